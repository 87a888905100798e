using Arrakis.Protocol;

namespace Arrakis.Server.Commands;

/// <summary>
/// One key specification of a command, as Redis 7 publishes it in COMMAND INFO: where the search
/// for keys begins (a fixed index, or after a keyword) and how keys are found from there (a range,
/// or a count argument). Used by COMMAND GETKEYS / GETKEYSANDFLAGS exactly as Redis's
/// getKeysUsingKeySpecs uses them.
/// </summary>
internal sealed class KeySpec
{
    private int _index;            // begin_search index: position
    private string? _keyword;      // begin_search keyword
    private int _startFrom;        // keyword search start (negative: from the end, backwards)
    private bool _keyNum;          // find_keys keynum (else range)
    private int _lastKey, _keyStep = 1, _limit;
    private int _keyNumIndex, _firstKey;

    /// <summary>The key flags (RW, access, insert ...) as COMMAND INFO lists them.</summary>
    public RespValue Flags { get; private init; } = null!;

    public bool NotKey => Flags.Items!.Any(f => f.Text == "not_key");

    /// <summary>Reads the key specs of a COMMAND INFO entry (item 8); unknown forms yield none.</summary>
    public static KeySpec[] FromInfo(RespValue info)
    {
        if (info.Items is not { Length: > 8 } items || items[8].Items is not { } specs) return [];
        var result = new List<KeySpec>();
        foreach (var spec in specs)
        {
            var bs = spec.Field("begin_search");
            var fk = spec.Field("find_keys");
            if (bs is null || fk is null || spec.Field("flags") is not { } flags) continue;
            var k = new KeySpec { Flags = flags };
            var bsSpec = bs.Field("spec");
            switch (bs.Field("type")?.Text)
            {
                case "index":
                    k._index = (int)bsSpec!.Field("index")!.Integer;
                    break;
                case "keyword":
                    k._keyword = bsSpec!.Field("keyword")!.Text;
                    k._startFrom = (int)bsSpec.Field("startfrom")!.Integer;
                    break;
                default:
                    continue;
            }
            var fkSpec = fk.Field("spec");
            switch (fk.Field("type")?.Text)
            {
                case "range":
                    k._lastKey = (int)fkSpec!.Field("lastkey")!.Integer;
                    k._keyStep = (int)fkSpec.Field("keystep")!.Integer;
                    k._limit = (int)fkSpec.Field("limit")!.Integer;
                    break;
                case "keynum":
                    k._keyNum = true;
                    k._keyNumIndex = (int)fkSpec!.Field("keynumidx")!.Integer;
                    k._firstKey = (int)fkSpec.Field("firstkey")!.Integer;
                    k._keyStep = (int)fkSpec.Field("keystep")!.Integer;
                    break;
                default:
                    continue;
            }
            result.Add(k);
        }
        return result.ToArray();
    }

    /// <summary>
    /// Appends this spec's key positions in <paramref name="args"/> (args[0] is the command name).
    /// Returns false for arguments that do not fit the spec (Redis's invalid_spec: no keys at all).
    /// </summary>
    public bool TryAddKeys(IReadOnlyList<byte[]> args, List<(int Position, KeySpec Spec)> keys)
    {
        int argc = args.Count, first = 0, last, step;
        if (_keyword is null) first = _index;
        else
        {
            int start = _startFrom > 0 ? _startFrom : argc + _startFrom;
            int end = _startFrom > 0 ? argc - 1 : 0;
            for (int i = start; i != end; i = start <= end ? i + 1 : i - 1)
            {
                if (i >= argc || i < 1) break;
                if (System.Text.Encoding.ASCII.GetString(args[i]).Equals(_keyword, StringComparison.OrdinalIgnoreCase))
                {
                    first = i + 1;
                    break;
                }
            }
            if (first == 0) return true; // keyword absent: this spec has no keys
        }
        if (!_keyNum)
        {
            last = _lastKey >= 0 ? first + _lastKey : _limit == 0 ? argc + _lastKey : first + ((argc - first) / _limit + _lastKey);
            step = _keyStep;
        }
        else
        {
            if (_keyNumIndex >= argc || first + _keyNumIndex >= argc) return false;
            if (!RespNumber.TryParseInt64(args[first + _keyNumIndex], out long numKeys) || numKeys < 0 || numKeys > int.MaxValue) return false;
            first += _firstKey;
            last = (int)Math.Min(first + numKeys - 1, int.MaxValue);
            step = _keyStep;
        }
        if (last >= argc || last < first || first >= argc) return false;
        for (int i = first; i <= last; i += Math.Max(step, 1)) keys.Add((i, this));
        return true;
    }
}
