using Arrakis.LoadGen.Compare;
using Arrakis.LoadGen.Engine;
using Arrakis.LoadGen.Options;
using Arrakis.LoadGen.Reporting;

try
{
    if (args.Length > 0 && args[0] is "-h" or "--help")
    {
        Console.WriteLine(OptionParser.Help);
        return 0;
    }
    if (args.Length > 0 && args[0] == "compare") return CompareRunner.Run(args[1..]);
    var o = OptionParser.Parse(args);
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    var printer = new ProgressPrinter(o.Quiet);
    Console.WriteLine($"arrakis-loadgen: {o.Host}:{o.Port} {(o.Resp3 ? "resp3" : "resp2")}, {o.Threads} threads x {o.Clients} clients, pipeline {o.Pipeline}, " +
                      (o.TestTimeSeconds > 0 ? $"{o.TestTimeSeconds} s" : $"{o.Requests} requests per client") + (o.Rate > 0 ? $", open loop at {o.Rate} req/s" : ""));
    var result = LoadRunner.Run(o, printer.Print, cancel.Token);
    printer.Finish();
    Console.WriteLine();
    Console.Write(SummaryTable.Render(result, o.Percentiles));
    foreach (var p in result.Problems) Console.WriteLine("problem: " + p);
    if (o.JsonOut is not null) JsonReport.Write(o.JsonOut, JsonReport.Build(o, result));
    if (o.HdrOut is not null) JsonReport.WriteHdr(o.HdrOut, result);
    return result.Aborted || result.Totals.VerifyFailures > 0 ? 1 : 0;
}
catch (OptionException e)
{
    Console.Error.WriteLine("arrakis-loadgen: " + e.Message);
    return 2;
}
