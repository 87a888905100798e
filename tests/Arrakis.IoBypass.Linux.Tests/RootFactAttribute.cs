namespace Arrakis.IoBypass.Linux.Tests;

/// <summary>
/// A fact that needs root (network namespaces, veth pairs, XDP). Skipped with a message when the tests
/// do not run as root, except under CI (CI=true), which runs as root: there it always runs, so a CI
/// machine without root fails these tests instead of skipping them silently.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "needs root (network namespaces, veth, XDP): run the tests as root; CI runs them";
    }

    public static bool IsRoot => Tmds.Linux.LibC.geteuid() == 0;
}
