# Written by smmubench plot; run from this directory: gnuplot hist-func.arm_smmu_attach_commit.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-func.arm_smmu_attach_commit.png'
set title 'func.arm_smmu_attach_commit function latency histogram: results/testbed/6.12/trace-attach-1t.results (kernel 6.12.117+deb12-arm64) vs results/testbed/6.12/trace-attach-2t.results (kernel 6.12.117+deb12-arm64)'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r16-func.arm_smmu_attach_commit.hist.dat' using 1:2 with histeps lw 2 title 'results/testbed/6.12/trace-attach-1t.results (kernel 6.12.117+deb12-arm64)', \
     'data/r17-func.arm_smmu_attach_commit.hist.dat' using 1:2 with histeps lw 2 title 'results/testbed/6.12/trace-attach-2t.results (kernel 6.12.117+deb12-arm64)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-func.arm_smmu_attach_commit.svg'
replot
