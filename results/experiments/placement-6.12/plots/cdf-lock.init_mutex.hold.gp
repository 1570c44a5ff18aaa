# Written by smmubench plot; run from this directory: gnuplot cdf-lock.init_mutex.hold.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-lock.init_mutex.hold.png'
set title 'lock.init_mutex.hold lock hold time CDF: results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench) vs results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench) vs results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r6-lock.init_mutex.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r14-lock.init_mutex.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r22-lock.init_mutex.hold.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-lock.init_mutex.hold.svg'
replot
