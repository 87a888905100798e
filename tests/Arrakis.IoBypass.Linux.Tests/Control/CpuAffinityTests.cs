using Arrakis.IoBypass.Linux.Control;

namespace Arrakis.IoBypass.Linux.Tests.Control;

/// <summary>Redis's CPU list syntax and pinning a real thread.</summary>
public sealed class CpuAffinityTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3", new[] { 0, 1, 2, 3 })]
    [InlineData("1,5", new[] { 1, 5 })]
    [InlineData("0-7:2", new[] { 0, 2, 4, 6 })]
    [InlineData("3, 1-2", new[] { 1, 2, 3 })]
    public void Parses_redis_cpu_lists(string list, int[] cpus)
    {
        Assert.True(CpuAffinity.TryParse(list, out var parsed));
        Assert.Equal(cpus, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("0-x")]
    [InlineData("3-1")]
    [InlineData("1:2")]
    [InlineData("0-3:0")]
    [InlineData("-1")]
    [InlineData("0,,1")]
    [InlineData("5000")]
    public void Refuses_what_is_not_a_cpu_list(string list) => Assert.False(CpuAffinity.TryParse(list, out _));

    [Fact]
    public void Pins_the_calling_thread()
    {
        string? allowed = null;
        int rc = -1;
        var t = new Thread(() =>
        {
            rc = CpuAffinity.PinCurrentThread([0]);
            allowed = File.ReadAllLines("/proc/thread-self/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        });
        t.Start();
        t.Join();
        Assert.Equal(0, rc);
        Assert.Equal("0", allowed);
    }
}
