# Written by smmubench plot; run from this directory: gnuplot hist-op.unbind.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-op.unbind.png'
set title 'op.unbind latency histogram: 12 runs (see the key) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r1-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+cd-dump bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r2-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+cd-dump bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r3-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+cd-dump bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r4-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+cd-dump bind 4p (kernel 6.12.117-smmubench, emulated)', \
     'data/r9-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+split bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r10-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+split bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r11-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+split bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r12-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+split bind 4p (kernel 6.12.117-smmubench, emulated)', \
     'data/r17-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+wide bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r18-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+wide bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r19-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+wide bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r20-op.unbind.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+wide bind 4p (kernel 6.12.117-smmubench, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-op.unbind.svg'
replot
