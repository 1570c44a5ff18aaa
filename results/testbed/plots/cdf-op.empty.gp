# Written by smmubench plot; run from this directory: gnuplot cdf-op.empty.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-op.empty.png'
set title 'op.empty latency CDF: 10 runs (see the key) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r2-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.1 attach 1t (kernel 6.1.0-56-arm64, emulated)', \
     'data/r3-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.1 attach 2m (kernel 6.1.0-56-arm64, emulated)', \
     'data/r4-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.1 attach 2t (kernel 6.1.0-56-arm64, emulated)', \
     'data/r5-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.1 map 2m (kernel 6.1.0-56-arm64, emulated)', \
     'data/r6-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.1 map 4k (kernel 6.1.0-56-arm64, emulated)', \
     'data/r11-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.12 attach 1t (kernel 6.12.117+deb12-arm64, emulated)', \
     'data/r12-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.12 attach 2m (kernel 6.12.117+deb12-arm64, emulated)', \
     'data/r13-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.12 attach 2t (kernel 6.12.117+deb12-arm64, emulated)', \
     'data/r14-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.12 map 2m (kernel 6.12.117+deb12-arm64, emulated)', \
     'data/r15-op.empty.cdf.dat' using 1:2 with lines lw 2 title '6.12 map 4k (kernel 6.12.117+deb12-arm64, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-op.empty.svg'
replot
