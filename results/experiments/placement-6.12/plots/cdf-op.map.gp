# Written by smmubench plot; run from this directory: gnuplot cdf-op.map.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-op.map.png'
set title 'op.map latency CDF: 6.12-sva+cd-dump map 4k (kernel 6.12.117-smmubench, emulated) vs 6.12-sva+split map 4k (kernel 6.12.117-smmubench, emulated) vs 6.12-sva+wide map 4k (kernel 6.12.117-smmubench, emulated) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r5-op.map.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+cd-dump map 4k (kernel 6.12.117-smmubench, emulated)', \
     'data/r13-op.map.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+split map 4k (kernel 6.12.117-smmubench, emulated)', \
     'data/r21-op.map.cdf.dat' using 1:2 with lines lw 2 title '6.12-sva+wide map 4k (kernel 6.12.117-smmubench, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-op.map.svg'
replot
