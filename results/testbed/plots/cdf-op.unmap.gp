# Written by smmubench plot; run from this directory: gnuplot cdf-op.unmap.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-op.unmap.png'
set title 'op.unmap latency CDF: 4 runs (see the key) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r5-op.unmap.cdf.dat' using 1:2 with lines lw 2 title '6.1 map 2m (kernel 6.1.0-56-arm64, emulated)', \
     'data/r6-op.unmap.cdf.dat' using 1:2 with lines lw 2 title '6.1 map 4k (kernel 6.1.0-56-arm64, emulated)', \
     'data/r14-op.unmap.cdf.dat' using 1:2 with lines lw 2 title '6.12 map 2m (kernel 6.12.117+deb12-arm64, emulated)', \
     'data/r15-op.unmap.cdf.dat' using 1:2 with lines lw 2 title '6.12 map 4k (kernel 6.12.117+deb12-arm64, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-op.unmap.svg'
replot
