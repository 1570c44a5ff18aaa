# Written by smmubench plot; run from this directory: gnuplot hist-lock.init_mutex.hold.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-lock.init_mutex.hold.png'
set title 'lock.init_mutex.hold lock hold time histogram: 4 runs (see the key)'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r7-lock.init_mutex.hold.hist.dat' using 1:2 with histeps lw 2 title 'results/testbed/6.1/trace-attach-1t.results (kernel 6.1.0-56-arm64)', \
     'data/r8-lock.init_mutex.hold.hist.dat' using 1:2 with histeps lw 2 title 'results/testbed/6.1/trace-attach-2t.results (kernel 6.1.0-56-arm64)', \
     'data/r16-lock.init_mutex.hold.hist.dat' using 1:2 with histeps lw 2 title 'results/testbed/6.12/trace-attach-1t.results (kernel 6.12.117+deb12-arm64)', \
     'data/r17-lock.init_mutex.hold.hist.dat' using 1:2 with histeps lw 2 title 'results/testbed/6.12/trace-attach-2t.results (kernel 6.12.117+deb12-arm64)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-lock.init_mutex.hold.svg'
replot
