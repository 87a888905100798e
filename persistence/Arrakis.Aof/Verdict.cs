namespace Arrakis.Aof;

/// <summary>What a check concluded; the numeric values are the tool's exit codes.</summary>
internal enum Verdict
{
    /// <summary>The manifest, the base and every segment are valid.</summary>
    Valid = 0,

    /// <summary>Valid, except for a torn tail in the last segment: a write that was never durable (fix cuts it).</summary>
    TornTail = 1,

    /// <summary>Something durable is damaged or missing (corruption, a missing file, a bad base, a bad manifest, an I/O error).</summary>
    Damaged = 2,
}
