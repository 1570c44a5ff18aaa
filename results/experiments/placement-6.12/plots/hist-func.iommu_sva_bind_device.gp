# Written by smmubench plot; run from this directory: gnuplot hist-func.iommu_sva_bind_device.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-func.iommu_sva_bind_device.png'
set title 'func.iommu_sva_bind_device function latency histogram: 6 runs (see the key)'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r6-func.iommu_sva_bind_device.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r7-func.iommu_sva_bind_device.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+cd-dump/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r14-func.iommu_sva_bind_device.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r15-func.iommu_sva_bind_device.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+split/trace-bind-2p.results (kernel 6.12.117-smmubench)', \
     'data/r22-func.iommu_sva_bind_device.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2m.results (kernel 6.12.117-smmubench)', \
     'data/r23-func.iommu_sva_bind_device.hist.dat' using 1:2 with histeps lw 2 title 'results/experiments/placement-6.12/6.12-sva+wide/trace-bind-2p.results (kernel 6.12.117-smmubench)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-func.iommu_sva_bind_device.svg'
replot
