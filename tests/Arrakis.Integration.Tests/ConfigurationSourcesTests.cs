using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests;

/// <summary>redis.conf files, command-line directives and environment variables reach the server.</summary>
public sealed class ConfigurationSourcesTests
{
    [Fact]
    public void Config_file_then_command_line_with_unknown_directive_warning()
    {
        string dir = Directory.CreateTempSubdirectory("arrakis-conf").FullName;
        string conf = Path.Combine(dir, "redis.conf");
        File.WriteAllText(conf, "# test\nmaxclients 77\ntimeout 30\nsave \"\"\nno-such-directive 1\nslowlog-max-len 5\n");
        int port = FreePort.Next();
        using var server = StartWith(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--slowlog-max-len", "9"], conf, port, null);
        using var c = new RespConnection(port);
        Assert.Equal("77", c.Call("CONFIG", "GET", "maxclients").Items![1].Text);
        Assert.Equal("30", c.Call("CONFIG", "GET", "timeout").Items![1].Text);
        Assert.Equal("9", c.Call("CONFIG", "GET", "slowlog-max-len").Items![1].Text);
        Assert.Contains(conf, c.Call("INFO", "server").Text);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!server.Output.Contains("unknown directive 'no-such-directive'", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.Contains("unknown directive 'no-such-directive'", server.Output);
    }

    [Fact]
    public void Server_cpulist_pins_the_data_plane_threads_and_a_bad_list_is_ignored_with_a_warning()
    {
        int port = FreePort.Next();
        using (var server = ServerProcess.StartArrakisUntilReady(port, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads", "2", "--server_cpulist", "0", "--bgsave_cpulist", "1"))
        {
            using var c = new RespConnection(port);
            Assert.Equal("0", c.Call("CONFIG", "GET", "server_cpulist").Items![1].Text);
            Assert.Equal("1", c.Call("CONFIG", "GET", "bgsave_cpulist").Items![1].Text);
            Assert.Contains("can't set immutable config", c.Call("CONFIG", "SET", "server_cpulist", "1").Text);
            var threads = Directory.GetDirectories($"/proc/{server.Pid}/task")
                .Where(t => File.ReadAllText(Path.Combine(t, "comm")).StartsWith("arrakis-dp-", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, threads.Count);
            foreach (var t in threads)
            {
                string allowed = File.ReadAllLines(Path.Combine(t, "status")).Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
                Assert.Equal("0", allowed.Split(':', 2)[1].Trim());
            }
            Assert.Contains("on CPUs 0", server.Output);
        }
        port = FreePort.Next();
        using (var server = ServerProcess.StartArrakisUntilReady(port, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--server_cpulist", "0-x"))
        {
            using var c = new RespConnection(port);
            Assert.Equal("PONG", c.Call("PING").Text);
            Assert.Contains("server_cpulist: '0-x' is not a CPU list", server.Output);
        }
    }

    [Theory]
    [InlineData("save 900 1\nsave 300 10\n", new[] { "--save", "60", "10000" })] // lines add up, the command line too
    [InlineData("save 900 1\nsave \"\"\nsave 300 10\n", new string[0])] // save "" clears what came before
    [InlineData("maxclients 50\n", new string[0])] // no save line: Redis keeps its defaults, ours are "" (compatibility.md)
    public void Save_lines_in_a_config_file_add_up_as_in_redis(string file, string[] args)
    {
        string dir = Directory.CreateTempSubdirectory("arrakis-conf").FullName;
        string conf = Path.Combine(dir, "redis.conf");
        File.WriteAllText(conf, file);
        string Save(int port)
        {
            using var c = new RespConnection(port);
            return c.Call("CONFIG", "GET", "save").Items![1].Text;
        }
        string theirs, ours;
        using (var redis = ServerProcess.StartRedisWithConfig(conf, args)) theirs = Save(redis.Port);
        int port = FreePort.Next();
        using (StartWith(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args], conf, port, null)) ours = Save(port);
        if (!file.Contains("save", StringComparison.Ordinal))
        {
            Assert.Equal("3600 1 300 100 60 10000", theirs);
            Assert.Equal("", ours);
            return;
        }
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Environment_variables_set_options()
    {
        int port = FreePort.Next();
        using var server = StartWith([], null, port, new() { ["ARRAKIS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["ARRAKIS_MAXCLIENTS"] = "55" });
        using var c = new RespConnection(port);
        Assert.Equal("55", c.Call("CONFIG", "GET", "maxclients").Items![1].Text);
    }

    [Fact]
    public void Bad_value_and_busy_port_fail_with_a_clear_message()
    {
        var (code, output) = ServerProcess.RunArrakisToExit(["--port", "notaport"]);
        Assert.Equal(2, code);
        Assert.Contains("bad value for 'port'", output);
        using var redis = ServerProcess.StartRedis();
        (code, output) = ServerProcess.RunArrakisToExit(["--port", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.NotEqual(0, code);
        Assert.Contains("Address already in use", output);
    }

    private static ServerProcess StartWith(string[] args, string? conf, int port, Dictionary<string, string>? env) =>
        ServerProcess.StartArrakisRaw(conf is null ? args : [conf, .. args], port, env);
}
