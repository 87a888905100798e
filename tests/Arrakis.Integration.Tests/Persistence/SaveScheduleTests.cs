using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Persistence;

/// <summary>save &lt;seconds&gt; &lt;changes&gt;: the cron's BGSAVE, the save at SIGTERM, and the load at the next start.</summary>
[Collection("servers")]
public sealed class SaveScheduleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arrakis-save-").FullName;

    [Fact]
    public void ASavePoint_Saves_AndSigtermSaves_AndTheNextStartLoads()
    {
        using (var server = ServerProcess.StartArrakis("--dir", _dir, "--save", "1 1"))
        {
            using var c = new RespConnection(server.Port);
            Assert.Equal("1 1", c.Call("CONFIG", "GET", "save").Items![1].Text);
            c.Call("SET", "scheduled", "yes");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!c.Call("INFO", "persistence").Text.Contains("rdb_saves:1", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.Contains("rdb_saves:1", c.Call("INFO", "persistence").Text, StringComparison.Ordinal);
            Assert.Contains("rdb_changes_since_last_save:0", c.Call("INFO", "persistence").Text, StringComparison.Ordinal);
            c.Call("SET", "at-shutdown", "yes");
            Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(20)));
        }
        using var again = ServerProcess.StartArrakis("--dir", _dir);
        using var a = new RespConnection(again.Port);
        Assert.Equal("yes", a.Call("GET", "scheduled").Text);
        Assert.Equal("yes", a.Call("GET", "at-shutdown").Text);
        Assert.Equal("OK", a.Call("CONFIG", "SET", "save", "").Text);
        Assert.StartsWith("ERR CONFIG SET failed", a.Call("CONFIG", "SET", "save", "1").Text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
