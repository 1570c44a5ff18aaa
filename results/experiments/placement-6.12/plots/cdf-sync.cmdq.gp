# Written by smmubench plot; run from this directory: gnuplot cdf-sync.cmdq.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-sync.cmdq.png'
set title 'sync.cmdq CMD_SYNC time CDF: 6 runs (see the key)'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r6-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r7-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r14-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r15-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r22-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r23-sync.cmdq.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2p.results (kernel 6.12.117-smmubench)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-sync.cmdq.svg'
replot
