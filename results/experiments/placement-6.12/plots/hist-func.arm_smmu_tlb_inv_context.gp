# Written by smmubench plot; run from this directory: gnuplot hist-func.arm_smmu_tlb_inv_context.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-func.arm_smmu_tlb_inv_context.png'
set title 'func.arm_smmu_tlb_inv_context function latency histogram: results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench) vs results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench) vs results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r6-func.arm_smmu_tlb_inv_context.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r14-func.arm_smmu_tlb_inv_context.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r22-func.arm_smmu_tlb_inv_context.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-func.arm_smmu_tlb_inv_context.svg'
replot
