# Written by smmubench plot; run from this directory: gnuplot hist-op.detach.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-op.detach.png'
set title 'op.detach latency histogram: 6 runs (see the key) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r2-op.detach.hist.dat' using 1:2 with histeps lw 2 title '6.1 attach 1t (kernel 6.1.0-56-arm64, emulated)', \
     'data/r3-op.detach.hist.dat' using 1:2 with histeps lw 2 title '6.1 attach 2m (kernel 6.1.0-56-arm64, emulated)', \
     'data/r4-op.detach.hist.dat' using 1:2 with histeps lw 2 title '6.1 attach 2t (kernel 6.1.0-56-arm64, emulated)', \
     'data/r11-op.detach.hist.dat' using 1:2 with histeps lw 2 title '6.12 attach 1t (kernel 6.12.117+deb12-arm64, emulated)', \
     'data/r12-op.detach.hist.dat' using 1:2 with histeps lw 2 title '6.12 attach 2m (kernel 6.12.117+deb12-arm64, emulated)', \
     'data/r13-op.detach.hist.dat' using 1:2 with histeps lw 2 title '6.12 attach 2t (kernel 6.12.117+deb12-arm64, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-op.detach.svg'
replot
