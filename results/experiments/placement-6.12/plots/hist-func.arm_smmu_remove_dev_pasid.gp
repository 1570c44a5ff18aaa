# Written by smmubench plot; run from this directory: gnuplot hist-func.arm_smmu_remove_dev_pasid.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-func.arm_smmu_remove_dev_pasid.png'
set title 'func.arm_smmu_remove_dev_pasid function latency histogram: 6 runs (see the key)'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r6-func.arm_smmu_remove_dev_pasid.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r7-func.arm_smmu_remove_dev_pasid.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r14-func.arm_smmu_remove_dev_pasid.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r15-func.arm_smmu_remove_dev_pasid.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r22-func.arm_smmu_remove_dev_pasid.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r23-func.arm_smmu_remove_dev_pasid.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2p.results (kernel 6.12.117-smmubench)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-func.arm_smmu_remove_dev_pasid.svg'
replot
