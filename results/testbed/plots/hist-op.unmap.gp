# Written by smmubench plot; run from this directory: gnuplot hist-op.unmap.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-op.unmap.png'
set title 'op.unmap latency histogram: 4 runs (see the key) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r5-op.unmap.hist.dat' using 1:2 with histeps lw 2 title '6.1 map 2m (kernel 6.1.0-56-arm64, emulated)', \
     'data/r6-op.unmap.hist.dat' using 1:2 with histeps lw 2 title '6.1 map 4k (kernel 6.1.0-56-arm64, emulated)', \
     'data/r14-op.unmap.hist.dat' using 1:2 with histeps lw 2 title '6.12 map 2m (kernel 6.12.117+deb12-arm64, emulated)', \
     'data/r15-op.unmap.hist.dat' using 1:2 with histeps lw 2 title '6.12 map 4k (kernel 6.12.117+deb12-arm64, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-op.unmap.svg'
replot
