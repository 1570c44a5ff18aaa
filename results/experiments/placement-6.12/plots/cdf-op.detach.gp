# Written by smmubench plot; run from this directory: gnuplot cdf-op.detach.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-op.detach.png'
set title 'op.detach latency CDF: 6.12-sva+cd-dump attach (kernel 6.12.117-smmubench, emulated) vs 6.12-sva+split attach (kernel 6.12.117-smmubench, emulated) vs 6.12-sva+wide attach (kernel 6.12.117-smmubench, emulated) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r0-op.detach.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump attach (kernel 6.12.117-smmubench, emulated)', \
     'data/r8-op.detach.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split attach (kernel 6.12.117-smmubench, emulated)', \
     'data/r16-op.detach.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide attach (kernel 6.12.117-smmubench, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-op.detach.svg'
replot
