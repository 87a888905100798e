using System.Globalization;
using Arrakis.LoadGen.Engine;

namespace Arrakis.LoadGen.Reporting;

/// <summary>One live line on a terminal (rewritten in place), plain periodic lines otherwise.</summary>
internal sealed class ProgressPrinter(bool quiet)
{
    private readonly bool _terminal = !Console.IsOutputRedirected;
    private bool _printed;

    public void Print(Progress p)
    {
        if (quiet) return;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{p.ElapsedSeconds,6:F1} s] {p.OpsPerSecond,12:F0} ops/s  avg {p.AverageLatencyMs,8:F3} ms  {p.Percent,5:F1}% done");
        if (_terminal)
        {
            Console.Write("\r" + line);
            _printed = true;
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    public void Finish()
    {
        if (_printed) Console.WriteLine();
    }
}
