using System.Text;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Generates an endless, seeded stream of requests from the commands' COMMAND DOCS argument specs.
/// The same catalog and seed give the same stream. Data commands are picked ten times as often as
/// server/connection ones; a MULTI is followed by EXEC or DISCARD within a few commands. Rarely the
/// request is broken on purpose (unknown token, missing or extra argument). Not thread-safe.
/// </summary>
internal sealed class CommandGenerator
{
    private static readonly HashSet<string> DataGroups = new(StringComparer.Ordinal)
    {
        "string", "list", "set", "sorted-set", "hash", "hyperloglog", "generic", "bitmap",
    };

    private readonly IReadOnlyList<CommandSpec> _commands;
    private readonly double[] _cumulativeWeights;
    private readonly ArgumentValues _values;
    private readonly ValuePools _pools;
    private int _multiCountdown;

    public CommandGenerator(IReadOnlyList<CommandSpec> commands, int seed)
    {
        _commands = commands;
        _pools = new ValuePools(new Random(seed));
        _values = new ArgumentValues(_pools, commands.Select(c => c.Name).ToArray());
        _cumulativeWeights = new double[commands.Count];
        double sum = 0;
        for (int i = 0; i < commands.Count; i++)
        {
            sum += Weight(commands[i]);
            _cumulativeWeights[i] = sum;
        }
    }

    /// <summary>The next request.</summary>
    public FuzzCommand Next()
    {
        var spec = PickCommand();
        var args = new List<byte[]>(spec.Words.Select(w => Encoding.ASCII.GetBytes(w)));
        var keys = new List<byte[]>();
        EmitSequence(spec, spec.Arguments, args, keys);
        Mutate(spec, args);
        if (spec.Name == "multi") _multiCountdown = _pools.Rng.Next(1, 6);
        return new FuzzCommand(spec.Name, args.ToArray(), keys);
    }

    private CommandSpec PickCommand()
    {
        if (_multiCountdown > 0 && --_multiCountdown == 0)
        {
            string end = _pools.Chance(0.75) ? "exec" : "discard";
            var spec = _commands.FirstOrDefault(c => c.Name == end);
            if (spec is not null) return spec;
        }
        double x = _pools.Rng.NextDouble() * _cumulativeWeights[^1];
        int i = Array.BinarySearch(_cumulativeWeights, x);
        return _commands[i < 0 ? ~i : i];
    }

    private static double Weight(CommandSpec c) =>
        DataGroups.Contains(c.Group) ? 10 : c.Group == "transactions" ? 3 : 1;

    /// <summary>Emits a list of sibling arguments; a "numkeys" argument announces how many of the next one follow.</summary>
    private void EmitSequence(CommandSpec spec, IReadOnlyList<ArgumentSpec> specs, List<byte[]> args, List<byte[]> keys)
    {
        for (int i = 0; i < specs.Count; i++)
        {
            var a = specs[i];
            if (a.Name == "numkeys" && i + 1 < specs.Count && specs[i + 1].Multiple)
            {
                int n = Repetitions(spec);
                args.Add(_pools.Chance(0.93) ? ValuePools.Utf8(n.ToString(System.Globalization.CultureInfo.InvariantCulture)) : _pools.Integer());
                Emit(spec, specs[++i], args, keys, n);
                continue;
            }
            Emit(spec, a, args, keys, null);
        }
    }

    private void Emit(CommandSpec spec, ArgumentSpec a, List<byte[]> args, List<byte[]> keys, int? repetitions)
    {
        if (a.Optional && repetitions is null && _pools.Chance(0.5)) return;
        int reps = repetitions ?? (a.Multiple ? Repetitions(spec) : 1);
        for (int r = 0; r < reps; r++)
        {
            if (a.Token is not null && (r == 0 || a.MultipleToken)) args.Add(Token(a.Token));
            switch (a.Type)
            {
                case "pure-token":
                    if (a.Token is null) args.Add(ValuePools.Utf8(a.Name));
                    break;
                case "oneof":
                    if (a.Children.Count > 0) Emit(spec, a.Children[_pools.Rng.Next(a.Children.Count)], args, keys, null);
                    break;
                case "block":
                    EmitSequence(spec, a.Children, args, keys);
                    break;
                case "key":
                    var key = _pools.Key();
                    keys.Add(key);
                    args.Add(key);
                    break;
                default:
                    args.Add(_values.For(spec, a));
                    break;
            }
        }
    }

    /// <summary>How many times a "multiple" argument repeats: 1-3 mostly; one for the UNSUBSCRIBE family (one reply per channel).</summary>
    private int Repetitions(CommandSpec spec)
    {
        if (spec.Name.EndsWith("unsubscribe", StringComparison.Ordinal)) return 1;
        return _pools.Chance(0.05) ? _pools.Rng.Next(4, 12) : _pools.Rng.Next(1, 4);
    }

    /// <summary>Tokens in upper case, sometimes lower or mixed case (Redis matches them case-insensitively).</summary>
    private byte[] Token(string token) => _pools.Rng.Next(10) switch
    {
        0 => ValuePools.Utf8(token.ToLowerInvariant()),
        1 => ValuePools.Utf8(token.Length > 1 ? char.ToLowerInvariant(token[0]) + token[1..] : token),
        _ => ValuePools.Utf8(token),
    };

    /// <summary>Breaks a few requests on purpose: an unknown token, a missing last argument, an extra one.</summary>
    private void Mutate(CommandSpec spec, List<byte[]> args)
    {
        int words = spec.Words.Count;
        double roll = _pools.Rng.NextDouble();
        // A blocking command only ever gets an unknown (non-numeric) token: a dropped, added or moved
        // argument could land a "0" in the timeout position and block forever.
        if (spec.IsBlocking && roll >= 0.02) return;
        // UNSUBSCRIBE and friends answer once per channel: an extra argument would mean two replies.
        if (spec.Name.EndsWith("unsubscribe", StringComparison.Ordinal)) return;
        if (roll < 0.02) args.Insert(_pools.Rng.Next(words, args.Count + 1), _pools.UnknownToken());
        else if (roll < 0.03 && args.Count > words) args.RemoveAt(args.Count - 1);
        else if (roll < 0.04) args.Add(_pools.Value());
        else if (roll < 0.045 && args.Count > words) args.Insert(words, args[_pools.Rng.Next(words, args.Count)]);
    }
}
