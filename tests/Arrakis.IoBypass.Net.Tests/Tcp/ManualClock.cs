namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock : IClock
{
    public long NowMicroseconds { get; set; }

    public void Advance(long microseconds) => NowMicroseconds += microseconds;
}
