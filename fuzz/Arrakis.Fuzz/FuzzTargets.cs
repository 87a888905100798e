using Arrakis.Fuzz.Targets;

namespace Arrakis.Fuzz;

/// <summary>The fuzz targets by name (the name is also the corpus folder under fuzz/corpus/).</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, FuzzTarget> All = new Dictionary<string, FuzzTarget>
    {
        ["resp"] = RespTarget.Run,
        ["inline"] = InlineTarget.Run,
        ["glob"] = GlobTarget.Run,
        ["hll"] = HllTarget.Run,
        ["bitfield"] = BitFieldTarget.Run,
        ["lcs"] = LcsTarget.Run,
        ["log"] = LogTarget.Run,
        ["rdb"] = RdbTarget.Run,
        ["packet"] = PacketTarget.Run,
        ["stack"] = StackTarget.Run,
        ["script"] = ScriptTarget.Run,
    };
}
