using BenchmarkDotNet.Running;

// dotnet run -c Release --project loadgen/Arrakis.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Arrakis.Benchmarks.RequestParsingBenchmarks).Assembly).Run(args);
