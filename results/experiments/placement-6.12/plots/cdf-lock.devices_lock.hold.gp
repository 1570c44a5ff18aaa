# Written by smmubench plot; run from this directory: gnuplot cdf-lock.devices_lock.hold.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-lock.devices_lock.hold.png'
set title 'lock.devices_lock.hold lock hold time CDF: 6 runs (see the key)'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r6-lock.devices_lock.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r7-lock.devices_lock.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r14-lock.devices_lock.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r15-lock.devices_lock.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r22-lock.devices_lock.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r23-lock.devices_lock.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2p.results (kernel 6.12.117-smmubench)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-lock.devices_lock.hold.svg'
replot
