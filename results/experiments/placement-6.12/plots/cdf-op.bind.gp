# Written by smmubench plot; run from this directory: gnuplot cdf-op.bind.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-op.bind.png'
set title 'op.bind latency CDF: 12 runs (see the key) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r1-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r2-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r3-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r4-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump bind 4p (kernel 6.12.117-smmubench, emulated)', \
     'data/r9-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r10-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r11-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r12-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split bind 4p (kernel 6.12.117-smmubench, emulated)', \
     'data/r17-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide bind 1p (kernel 6.12.117-smmubench, emulated)', \
     'data/r18-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide bind 2m (kernel 6.12.117-smmubench, emulated)', \
     'data/r19-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide bind 2p (kernel 6.12.117-smmubench, emulated)', \
     'data/r20-op.bind.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide bind 4p (kernel 6.12.117-smmubench, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-op.bind.svg'
replot
