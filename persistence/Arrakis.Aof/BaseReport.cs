namespace Arrakis.Aof;

/// <summary>What reading the base RDB found: <see cref="Error"/> is null when every entry and the checksum are valid.</summary>
internal sealed record BaseReport(string File, string Path, long Bytes, int Version, long Keys, long Expires, int Databases, string? Error)
{
    public bool Valid => Error is null;

    public string Describe() => Valid
        ? $"base {File}: RDB version {Version}, {Bytes} bytes, {Keys} keys ({Expires} with an expiry) in {Databases} database(s), checksum ok"
        : $"base {File}: INVALID: {Error}";
}
