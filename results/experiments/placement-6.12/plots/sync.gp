# Written by smmubench plot; run from this directory: gnuplot sync.gp
set terminal pngcairo noenhanced size 1000,620
set output 'sync.png'
set title 'CMD_SYNC time CDF per sync series: 6 runs (see the key)'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r6-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'sync.cmdq, results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r7-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'sync.cmdq, results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r14-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'sync.cmdq, results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r15-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'sync.cmdq, results/experiments/placement-6.12/6.12-sva+split/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r22-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'sync.cmdq, results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r23-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'sync.cmdq, results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2p.results (kernel 6.12.117-smmubench)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'sync.svg'
replot
