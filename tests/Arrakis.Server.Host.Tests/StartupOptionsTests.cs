using System.Collections;

namespace Arrakis.Server.Host.Tests;

/// <summary>Option sources and their precedence: appsettings.json &lt; ARRAKIS_* &lt; redis.conf &lt; command line.</summary>
public sealed class StartupOptionsTests
{
    [Fact]
    public void Later_sources_win_and_unknown_directives_are_warnings()
    {
        string dir = Directory.CreateTempSubdirectory("arrakis-host").FullName;
        File.WriteAllText(Path.Combine(dir, "appsettings.json"), """{ "Arrakis": { "port": 7000, "maxclients": 11, "timeout": 5, "hz": 20 } }""");
        string conf = Path.Combine(dir, "redis.conf");
        File.WriteAllText(conf, "maxclients 22\ntimeout 6\nloglevel notice\nloglevel verbose\nno-such-directive 1\n");
        var env = new Hashtable { ["ARRAKIS_PORT"] = "7001", ["ARRAKIS_MAXCLIENTS"] = "33", ["PATH"] = "/bin" };
        var (o, file, warnings) = StartupOptions.Build([conf, "--timeout", "7", "--threads", "3"], env, dir);
        Assert.Equal(7001, o.Port);      // env over appsettings
        Assert.Equal(22, o.MaxClients);  // file over env
        Assert.Equal(7, o.Timeout);      // command line over file
        Assert.Equal(20, o.Hz);          // appsettings alone
        Assert.Equal(3, o.Threads);      // alias of arrakis-threads
        Assert.Equal(conf, file);
        // Redis parameters without effect here accept their default silently and warn otherwise.
        Assert.Equal(["directive 'loglevel verbose' has no effect in Arrakis; 'loglevel' stays 'notice'", "unknown directive 'no-such-directive' ignored"], warnings);
    }

    [Fact]
    public void Bad_input_names_what_is_wrong()
    {
        string dir = Directory.CreateTempSubdirectory("arrakis-host").FullName;
        Assert.Contains("can't open config file", Assert.Throws<FileNotFoundException>(() => StartupOptions.Build(["/nonexistent/redis.conf"], new Hashtable(), dir)).Message);
        Assert.Contains("bad value for 'port'", Assert.Throws<FormatException>(() => StartupOptions.Build(["--port", "x"], new Hashtable(), dir)).Message);
        string conf = Path.Combine(dir, "empty.conf");
        File.WriteAllText(conf, "");
        Assert.Contains("unexpected argument 'stray'", Assert.Throws<FormatException>(() => StartupOptions.Build([conf, "stray", "--port", "1"], new Hashtable(), dir)).Message);
    }
}
