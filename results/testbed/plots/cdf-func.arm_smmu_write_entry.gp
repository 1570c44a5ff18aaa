# Written by smmubench plot; run from this directory: gnuplot cdf-func.arm_smmu_write_entry.gp
set terminal pngcairo noenhanced size 1000,620
set output 'cdf-func.arm_smmu_write_entry.png'
set title 'func.arm_smmu_write_entry function latency CDF: results/testbed/6.12/trace-attach-1t.results (kernel 6.12.117+deb12-arm64) vs results/testbed/6.12/trace-attach-2t.results (kernel 6.12.117+deb12-arm64)'
set xlabel 'ns (log scale)'
set ylabel 'fraction <= x'
set logscale x
set grid
set key bottom right
set datafile separator "\t"
plot 'data/r16-func.arm_smmu_write_entry.cdf.dat' using 1:2 with lines lw 2 title 'results/testbed/6.12/trace-attach-1t.results (kernel 6.12.117+deb12-arm64)', \
     'data/r17-func.arm_smmu_write_entry.cdf.dat' using 1:2 with lines lw 2 title 'results/testbed/6.12/trace-attach-2t.results (kernel 6.12.117+deb12-arm64)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'cdf-func.arm_smmu_write_entry.svg'
replot
