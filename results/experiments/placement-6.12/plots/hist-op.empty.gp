# Written by smmubench plot; run from this directory: gnuplot hist-op.empty.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-op.empty.png'
set title 'op.empty latency histogram: 6 runs (see the key) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r0-op.empty.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+cd-dump attach (kernel 6.12.117-smmubench, emulated)', \
     'data/r5-op.empty.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+cd-dump map 4k (kernel 6.12.117-smmubench, emulated)', \
     'data/r8-op.empty.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+split attach (kernel 6.12.117-smmubench, emulated)', \
     'data/r13-op.empty.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+split map 4k (kernel 6.12.117-smmubench, emulated)', \
     'data/r16-op.empty.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+wide attach (kernel 6.12.117-smmubench, emulated)', \
     'data/r21-op.empty.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+wide map 4k (kernel 6.12.117-smmubench, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-op.empty.svg'
replot
