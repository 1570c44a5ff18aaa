# Written by smmubench plot; run from this directory: gnuplot cdf-op.unbind.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-op.unbind.png'
set title 'op.unbind latency CDF: 12 runs (see the key) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r1-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r2-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r3-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r4-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump bind 4p (kernel 6.12.117-smmubench, emulated)', \
     'data/r9-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r10-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r11-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r12-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split bind 4p (kernel 6.12.117-smmubench, emulated)', \
     'data/r17-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r18-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r19-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r20-op.unbind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide bind 4p (kernel 6.12.117-smmubench, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-op.unbind.svg'
replot
