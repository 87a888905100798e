using System.Text;

namespace Arrakis.Protocol.Tests;

public sealed class RequestReaderTests
{
    private static (RespParseStatus Status, string[] Args, int Consumed, string? Error) Read(string input, bool auth = false)
    {
        var reader = new RequestReader { AuthenticationRequired = auth };
        var args = new RequestArguments();
        var bytes = Encoding.Latin1.GetBytes(input);
        var status = reader.TryRead(bytes, args, out int consumed);
        var list = status == RespParseStatus.Done ? Enumerable.Range(0, args.Count).Select(i => Encoding.Latin1.GetString(args.Get(bytes, i))).ToArray() : [];
        return (status, list, consumed, reader.Error);
    }

    [Fact]
    public void Multibulk_request_parses_to_arguments()
    {
        var r = Read("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\nrest");
        Assert.Equal(RespParseStatus.Done, r.Status);
        Assert.Equal(["SET", "k", ""], r.Args);
        Assert.Equal(26, r.Consumed);
    }

    [Theory]
    [InlineData("set a b", new[] { "set", "a", "b" })]
    [InlineData("  set   \"a b\" 'c d'  ", new[] { "set", "a b", "c d" })]
    [InlineData("echo \"\\x41\\n\\\"\"", new[] { "echo", "A\n\"" })]
    [InlineData("echo 'it\\'s'", new[] { "echo", "it's" })]
    [InlineData("", new string[0])]
    public void Inline_request_splits_like_redis(string line, string[] expected)
    {
        var r = Read(line + "\r\n");
        Assert.Equal(RespParseStatus.Done, r.Status);
        Assert.Equal(expected, r.Args);
    }

    [Theory]
    [InlineData("*1\r\n$x\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$-1\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*abc\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*2147483648\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n:1\r\n", "Protocol error: expected '$', got ':'")]
    [InlineData("set \"a\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("set \"a\"b\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("*1\r\n$536870913\r\n", "Protocol error: invalid bulk length")]
    public void Invalid_input_reports_redis_error(string input, string error)
    {
        var r = Read(input);
        Assert.Equal(RespParseStatus.InvalidData, r.Status);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public void Unauthenticated_limits_apply_when_required()
    {
        Assert.Equal("Protocol error: unauthenticated multibulk length", Read("*11\r\n", auth: true).Error);
        Assert.Equal("Protocol error: unauthenticated bulk length", Read("*1\r\n$16385\r\n", auth: true).Error);
        Assert.Equal(RespParseStatus.NeedMoreData, Read("*11\r\n", auth: false).Status);
    }

    [Fact]
    public void Header_lines_without_terminator_are_bounded()
    {
        Assert.Equal("Protocol error: too big mbulk count string", Read("*" + new string('1', 70000)).Error);
        Assert.Equal("Protocol error: too big inline request", Read(new string('a', 70000)).Error);
        Assert.Equal("Protocol error: too big bulk count string", Read("*1\r\n$" + new string('1', 70000)).Error);
    }

    [Fact]
    public void Stream_split_at_random_points_parses_to_the_same_commands()
    {
        var rng = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            var commands = new List<string[]>();
            var stream = new List<byte>();
            for (int c = 0; c < 20; c++)
            {
                var args = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => new string((char)rng.Next('a', 'z'), rng.Next(0, 40))).ToArray();
                if (args[0].Length == 0) args[0] = "x";
                commands.Add(args);
                if (rng.Next(4) == 0 && args.All(a => a.Length > 0)) stream.AddRange(Encoding.ASCII.GetBytes(string.Join(' ', args) + "\r\n"));
                else
                {
                    stream.AddRange(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
                    foreach (var a in args) stream.AddRange(Encoding.ASCII.GetBytes($"${a.Length}\r\n{a}\r\n"));
                }
            }
            var parsed = ParseInChunks(stream.ToArray(), rng);
            Assert.Equal(commands.Count, parsed.Count);
            for (int i = 0; i < commands.Count; i++) Assert.Equal(commands[i], parsed[i]);
        }
    }

    private static List<string[]> ParseInChunks(byte[] data, Random rng)
    {
        var reader = new RequestReader();
        var args = new RequestArguments();
        var result = new List<string[]>();
        int start = 0, available = 0;
        while (start < data.Length)
        {
            available = Math.Min(data.Length, available + rng.Next(1, 16));
            while (true)
            {
                var span = data.AsSpan(start, available - start);
                var status = reader.TryRead(span, args, out int consumed);
                if (status != RespParseStatus.Done) break;
                var copy = span.ToArray();
                result.Add(Enumerable.Range(0, args.Count).Select(i => Encoding.ASCII.GetString(args.Get(copy, i))).ToArray());
                start += consumed;
                if (start >= available) break;
            }
        }
        return result;
    }

    [Fact]
    public void Random_garbage_never_throws_and_always_progresses_or_stops()
    {
        var rng = new Random(7);
        for (int round = 0; round < 2000; round++)
        {
            var bytes = new byte[rng.Next(1, 200)];
            rng.NextBytes(bytes);
            if (rng.Next(2) == 0) bytes[0] = (byte)'*';
            var reader = new RequestReader();
            var args = new RequestArguments();
            int start = 0, steps = 0;
            while (start < bytes.Length && steps++ < 1000)
            {
                var status = reader.TryRead(bytes.AsSpan(start), args, out int consumed);
                if (status != RespParseStatus.Done) break;
                Assert.True(consumed > 0);
                start += consumed;
            }
            Assert.True(steps < 1000);
        }
    }

    [Theory]
    [InlineData("PING\0\r\nPING\r\n")]
    [InlineData("*1\0\r\n$4\r\nPING\r\n")]
    [InlineData("*1\r\n$4\0\r\nPING\r\n")]
    public void LineWithNulBeforeItsEnd_NeverEnds_LikeRedisStrchr(string input)
    {
        // Redis finds line ends with strchr, which stops at the NUL: it waits for more data (verified
        // against redis-server 7.0.15), and errors only once the buffer passes the inline limit.
        Assert.Equal(RespParseStatus.NeedMoreData, Read(input).Status);
        var padded = Read(input + new string('x', 64 * 1024));
        Assert.Equal(RespParseStatus.InvalidData, padded.Status);
        Assert.StartsWith("Protocol error: too big", padded.Error);
    }

    [Fact]
    public void NulInsideABulkArgument_IsJustAByte()
    {
        var r = Read("*1\r\n$4\r\nPI\0G\r\n");
        Assert.Equal(RespParseStatus.Done, r.Status);
        Assert.Equal(["PI\0G"], r.Args);
    }
}
