using Arrakis.LoadGen.Options;

namespace Arrakis.LoadGen.Tests.Options;

public sealed class OptionParserTests
{
    [Fact]
    public void Memtier_style_options_are_parsed()
    {
        var o = OptionParser.Parse(["-s", "10.0.0.1", "--port=6380", "--protocol", "resp3", "-t", "2", "-c", "8", "--pipeline", "4", "--ratio", "1:3",
            "--key-pattern", "Z", "--key-zipf-exp", "0.9", "--key-minimum", "5", "--key-maximum", "500", "--data-size-range", "10-20", "--rate", "1000",
            "--verify", "--seed", "7", "--print-percentiles", "50,99.99", "--test-time", "3"]);
        Assert.Equal(("10.0.0.1", 6380, true, 2, 8, 4), (o.Host, o.Port, o.Resp3, o.Threads, o.Clients, o.Pipeline));
        Assert.Equal((1, 3, KeyPattern.Zipfian, 0.9, 5L, 500L), (o.SetRatio, o.GetRatio, o.KeyPattern, o.KeyZipfExponent, o.KeyMinimum, o.KeyMaximum));
        Assert.Equal((10, 20, 1000.0, true, 7), (o.DataSizeMin, o.DataSizeMax, o.Rate, o.Verify, o.Seed));
        Assert.Equal([50, 99.99], o.Percentiles);
        Assert.Equal(16, o.Connections);
        Assert.Equal(["Sets", "Gets"], o.EffectiveCommands.Select(c => c.Name));
    }

    [Fact]
    public void Custom_commands_take_weights()
    {
        var o = OptionParser.Parse(["--command", "LPUSH __key__ __data__", "--command-ratio", "3", "--command", "LPOP __key__"]);
        Assert.Equal([("Lpushs", 3), ("Lpops", 1)], o.EffectiveCommands.Select(c => (c.Name, c.Weight)));
    }

    [Theory]
    [InlineData("unknown option '--nope' (see --help)", "--nope")]
    [InlineData("--port must be between 1 and 65535, not 70000", "--port", "70000")]
    [InlineData("--clients needs a whole number, not 'x'", "--clients", "x")]
    [InlineData("--key-minimum 9 is above --key-maximum 3", "--key-minimum", "9", "--key-maximum", "3")]
    [InlineData("--data-size-range 9-3 is empty", "--data-size-range", "9-3")]
    [InlineData("--ratio 0:0 sends nothing", "--ratio", "0:0")]
    [InlineData("option --port needs a value", "--port")]
    [InlineData("--protocol must be resp2 or resp3, not 'resp4'", "--protocol", "resp4")]
    [InlineData("--command-ratio follows the --command it weighs", "--command-ratio", "2")]
    public void Bad_input_is_one_clear_message(string message, params string[] args)
    {
        var e = Assert.Throws<OptionException>(() => OptionParser.Parse(args));
        Assert.Equal(message, e.Message);
    }
}
