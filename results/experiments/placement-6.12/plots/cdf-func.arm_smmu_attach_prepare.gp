# Written by smmubench plot; run from this directory: gnuplot cdf-func.arm_smmu_attach_prepare.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-func.arm_smmu_attach_prepare.png'
set title 'func.arm_smmu_attach_prepare function latency CDF: 6 runs (see the key)'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r6-func.arm_smmu_attach_prepare.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r7-func.arm_smmu_attach_prepare.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r14-func.arm_smmu_attach_prepare.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r15-func.arm_smmu_attach_prepare.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r22-func.arm_smmu_attach_prepare.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r23-func.arm_smmu_attach_prepare.cdf.dat' using 1:2 with lines lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2p.results (kernel 6.12.117-smmubench)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-func.arm_smmu_attach_prepare.svg'
replot
