# Written by smmubench plot; run from this directory: gnuplot hist-op.iotlb_sync.gp
set terminal pngcairo noenhanced size 1000,620
set output 'hist-op.iotlb_sync.png'
set title 'op.iotlb_sync latency histogram: 6.12-sva+cd-dump map 4k (kernel 6.12.117-smmubench, emulated) vs 6.12-sva+split map 4k (kernel 6.12.117-smmubench, emulated) vs 6.12-sva+wide map 4k (kernel 6.12.117-smmubench, emulated) [emulated timing: relative only]'
set xlabel 'ns (log scale)'
set ylabel 'fraction of samples per bin'
set logscale x
set grid
set key top right
set datafile separator "\t"
plot 'data/r5-op.iotlb_sync.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+cd-dump map 4k (kernel 6.12.117-smmubench, emulated)', \
     'data/r13-op.iotlb_sync.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+split map 4k (kernel 6.12.117-smmubench, emulated)', \
     'data/r21-op.iotlb_sync.hist.dat' using 1:2 with histeps lw 2 title '6.12-sva+wide map 4k (kernel 6.12.117-smmubench, emulated)'
set terminal svg noenhanced size 1000,620 dynamic
set output 'hist-op.iotlb_sync.svg'
replot
