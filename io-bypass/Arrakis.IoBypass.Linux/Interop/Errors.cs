namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>Human text for errno values at startup (strerror's wording for the common ones).</summary>
internal static class Errors
{
    public static string Describe(int errno) => errno switch
    {
        1 => "Operation not permitted",
        13 => "Permission denied",
        22 => "Invalid argument",
        24 => "Too many open files",
        98 => "Address already in use",
        99 => "Cannot assign requested address",
        97 => "Address family not supported by protocol",
        _ => $"errno {errno}",
    };
}
