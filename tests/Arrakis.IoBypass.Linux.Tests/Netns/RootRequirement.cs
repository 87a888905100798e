namespace Arrakis.IoBypass.Linux.Tests.Netns;

/// <summary>
/// Tests that need root (bpf, AF_XDP, network namespaces): skipped with a message when not root, except
/// in CI (CI=true), where a skip would hide a broken environment and is a failure instead.
/// </summary>
internal static class RootRequirement
{
    public static bool IsRoot => Tmds.Linux.LibC.geteuid() == 0;

    public static void Require(string what)
    {
        if (IsRoot) return;
        string message = $"{what} needs root (CAP_NET_ADMIN + CAP_BPF + CAP_SYS_ADMIN); not root here";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(message + " and CI=true: the bypass tests must run in CI");
        Skip.If(true, message);
    }
}
