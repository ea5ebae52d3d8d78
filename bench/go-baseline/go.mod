module meshfed.dev/bench/gobaseline

go 1.19
