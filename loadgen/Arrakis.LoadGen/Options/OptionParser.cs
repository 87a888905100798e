using System.Globalization;

namespace Arrakis.LoadGen.Options;

/// <summary>Parses memtier-style options; throws <see cref="OptionException"/> with one clear line.</summary>
internal static class OptionParser
{
    public static LoadGenOptions Parse(IReadOnlyList<string> args, List<string>? unknownSink = null)
    {
        var o = new LoadGenOptions();
        bool ratioGiven = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string name = a, value = "";
            int eq = a.IndexOf('=');
            bool inline = a.StartsWith("--", StringComparison.Ordinal) && eq > 0;
            if (inline)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
            }
            string Next()
            {
                if (inline) return value;
                if (i + 1 >= args.Count) throw new OptionException($"option {name} needs a value");
                return args[++i];
            }
            switch (name)
            {
                case "-s" or "--host" or "--server": o.Host = Next(); break;
                case "-p" or "--port": o.Port = Int(name, Next(), 1, 65535); break;
                case "--protocol":
                    o.Resp3 = Next().ToLowerInvariant() switch
                    {
                        "resp2" or "redis" => false,
                        "resp3" => true,
                        var other => throw new OptionException($"--protocol must be resp2 or resp3, not '{other}'"),
                    };
                    break;
                case "-a" or "--auth" or "--authenticate": o.Auth = Next(); break;
                case "--db" or "--select-db": o.Db = Int(name, Next(), 0, 1 << 20); break;
                case "-t" or "--threads": o.Threads = Int(name, Next(), 1, 1024); break;
                case "-c" or "--clients": o.Clients = Int(name, Next(), 1, 100_000); break;
                case "--pipeline": o.Pipeline = Int(name, Next(), 1, 100_000); break;
                case "-n" or "--requests": o.Requests = Long(name, Next(), 1, long.MaxValue); break;
                case "--test-time": o.TestTimeSeconds = Double(name, Next(), 0.001, 1e7); break;
                case "--ratio":
                {
                    var parts = Next().Split(':');
                    if (parts.Length != 2) throw new OptionException("--ratio looks like SET:GET, e.g. 1:10");
                    o.SetRatio = Int("--ratio", parts[0], 0, 1_000_000);
                    o.GetRatio = Int("--ratio", parts[1], 0, 1_000_000);
                    if (o.SetRatio + o.GetRatio == 0) throw new OptionException("--ratio 0:0 sends nothing");
                    ratioGiven = true;
                    break;
                }
                case "--key-prefix": o.KeyPrefix = Next(); break;
                case "--key-minimum": o.KeyMinimum = Long(name, Next(), 0, long.MaxValue); break;
                case "--key-maximum": o.KeyMaximum = Long(name, Next(), 0, long.MaxValue); break;
                case "--key-pattern":
                {
                    string v = Next().ToUpperInvariant();
                    o.KeyPattern = v.Split(':')[0] switch
                    {
                        "R" => KeyPattern.Random,
                        "S" => KeyPattern.Sequential,
                        "G" => KeyPattern.Gaussian,
                        "Z" => KeyPattern.Zipfian,
                        _ => throw new OptionException($"--key-pattern must be R, S, G or Z, not '{v}'"),
                    };
                    break;
                }
                case "--key-zipf-exp": o.KeyZipfExponent = Double(name, Next(), 0.0001, 100); break;
                case "-d" or "--data-size": o.DataSizeMin = o.DataSizeMax = Int(name, Next(), 0, 512 * 1024 * 1024); break;
                case "--data-size-range":
                {
                    var parts = Next().Split('-');
                    if (parts.Length != 2) throw new OptionException("--data-size-range looks like MIN-MAX, e.g. 32-1024");
                    o.DataSizeMin = Int(name, parts[0], 0, 512 * 1024 * 1024);
                    o.DataSizeMax = Int(name, parts[1], 0, 512 * 1024 * 1024);
                    break;
                }
                case "--command": o.Commands.Add(CommandSpec.Parse(Next(), 1)); break;
                case "--command-ratio":
                {
                    if (o.Commands.Count == 0) throw new OptionException("--command-ratio follows the --command it weighs");
                    int w = Int(name, Next(), 1, 1_000_000);
                    o.Commands[^1] = o.Commands[^1] with { Weight = w };
                    break;
                }
                case "--rate": o.Rate = Double(name, Next(), 0.001, 1e9); break;
                case "--warmup": o.WarmupSeconds = Double(name, Next(), 0, 1e6); break;
                case "--verify": o.Verify = true; break;
                case "--seed" or "--randomize-seed": o.Seed = Int(name, Next(), int.MinValue, int.MaxValue); break;
                case "--json-out" or "--json-out-file": o.JsonOut = Next(); break;
                case "--hdr-out" or "--hdr-file-prefix": o.HdrOut = Next(); break;
                case "--print-percentiles":
                    o.Percentiles = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => Double("--print-percentiles", p, 0, 100)).ToArray();
                    if (o.Percentiles.Length == 0) throw new OptionException("--print-percentiles needs at least one value, e.g. 50,99,99.9");
                    break;
                case "--on-disconnect":
                    o.ContinueOnDisconnect = Next().ToLowerInvariant() switch
                    {
                        "stop" => false,
                        "continue" => true,
                        var other => throw new OptionException($"--on-disconnect must be stop or continue, not '{other}'"),
                    };
                    break;
                case "-q" or "--hide-histogram" or "--quiet": o.Quiet = true; break;
                default:
                    if (unknownSink is not null)
                    {
                        unknownSink.Add(a);
                        break;
                    }
                    throw new OptionException($"unknown option '{a}' (see --help)");
            }
        }
        if (o.KeyMinimum > o.KeyMaximum) throw new OptionException($"--key-minimum {o.KeyMinimum} is above --key-maximum {o.KeyMaximum}");
        if (o.DataSizeMin > o.DataSizeMax) throw new OptionException($"--data-size-range {o.DataSizeMin}-{o.DataSizeMax} is empty");
        if (o.Commands.Count > 0 && ratioGiven) throw new OptionException("--ratio weighs the default SET/GET workload; with --command use --command-ratio");
        if (o.Verify && o.Commands.Count > 0) throw new OptionException("--verify checks the default SET/GET workload; it cannot check custom --command workloads");
        return o;
    }

    private static int Int(string name, string v, int min, int max) => (int)Long(name, v, min, max);

    private static long Long(string name, string v, long min, long max)
    {
        if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long x)) throw new OptionException($"{name} needs a whole number, not '{v}'");
        if (x < min || x > max) throw new OptionException($"{name} must be between {min} and {max}, not {x}");
        return x;
    }

    private static double Double(string name, string v, double min, double max)
    {
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || double.IsNaN(x)) throw new OptionException($"{name} needs a number, not '{v}'");
        if (x < min || x > max) throw new OptionException($"{name} must be between {min} and {max}, not {v}");
        return x;
    }

    public const string Help = """
        arrakis-loadgen: a Redis load generator in the spirit of memtier_benchmark.

        usage: arrakis-loadgen [options]
               arrakis-loadgen compare --target NAME=HOST:PORT --target NAME=HOST:PORT [--rounds N] [--out DIR] [options]

          -s, --host HOST            server address (127.0.0.1)       -p, --port PORT        (6379)
          --protocol resp2|resp3     protocol (resp2)                 -a, --auth PASSWORD    AUTH on connect
          --db N                     SELECT N on connect              -t, --threads N        worker threads (1)
          -c, --clients N            connections per thread (50)      --pipeline N           requests in flight per connection (1)
          -n, --requests N           requests per client (10000)      --test-time SECONDS    run for a time instead
          --ratio SET:GET            default workload mix (1:10)      --key-prefix P         (key:)
          --key-minimum N / --key-maximum N   key range (0..10000000)
          --key-pattern R|S|G|Z      uniform, sequential, gaussian, zipfian (R); --key-zipf-exp X (1.0)
          -d, --data-size N          value bytes (32)                 --data-size-range MIN-MAX
          --command "CMD __key__ __data__"  custom command (repeatable), --command-ratio W after it
          --rate N                   total requests/s, open loop: latency from each request's intended send time
          --warmup SECONDS           run without recording first      --verify  GETs check values this run SET
          --seed N                   random seed (1)                  --json-out FILE, --hdr-out PREFIX
          --print-percentiles LIST   (50,99,99.9)                     --on-disconnect stop|continue (stop)
          -q, --quiet                no progress lines
        """;
}
