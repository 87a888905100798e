using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

public sealed class InternetChecksumTests
{
    [Fact]
    public void Add_Rfc1071Example_SumsToDdf2()
    {
        // RFC 1071 §3 "Numerical Examples": bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2, InternetChecksum.Fold(InternetChecksum.Add(0, data)));
        Assert.Equal(0x220d, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Compute_TextbookIpv4Header_IsB861()
    {
        byte[] header = KnownPackets.TextbookIpv4Packet[..20];
        header[10] = header[11] = 0;
        Assert.Equal(0xb861, InternetChecksum.Compute(header));
    }

    [Fact]
    public void Compute_EveryLengthUpTo300_MatchesSlowOracle()
    {
        var random = new Random(1071);
        for (int length = 0; length <= 300; length++)
        {
            for (int trial = 0; trial < 20; trial++)
            {
                var data = new byte[length];
                random.NextBytes(data);
                if (trial == 0) Array.Fill(data, (byte)0xFF);
                Assert.Equal(SlowChecksum.Compute(data), InternetChecksum.Compute(data));
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xAB }, 0x54FF)]
    [InlineData(new byte[] { 0x00, 0x01, 0x02 }, 0xFDFE)]
    public void Compute_OddLength_PadsAZeroByteOnTheRight(byte[] data, int expected)
    {
        Assert.Equal(expected, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Add_InEvenPiecesThenOddTail_EqualsWholeSum()
    {
        var random = new Random(7);
        var data = new byte[1001];
        random.NextBytes(data);
        uint sum = 0;
        int at = 0;
        foreach (int piece in new[] { 2, 10, 64, 500, 0, 300 })
        {
            sum = InternetChecksum.Add(sum, data.AsSpan(at, piece));
            at += piece;
        }
        sum = InternetChecksum.Add(sum, data.AsSpan(at)); // 125 bytes: the odd tail
        Assert.Equal(InternetChecksum.Compute(data), InternetChecksum.Finish(sum));
    }

    [Fact]
    public void Add_Word_EqualsAddingItsTwoBytes()
    {
        uint a = InternetChecksum.Add(InternetChecksum.Add(0, [0x12, 0x34]), (ushort)0xFFFF);
        uint b = InternetChecksum.Add(0, [0x12, 0x34, 0xFF, 0xFF]);
        Assert.Equal(InternetChecksum.Fold(b), InternetChecksum.Fold(a));
    }

    [Fact]
    public void Add_ManyMegabytesOfOnes_DoesNotOverflow()
    {
        var data = new byte[1 << 20];
        Array.Fill(data, (byte)0xFF);
        uint sum = 0;
        for (int i = 0; i < 64; i++) sum = InternetChecksum.Add(sum, data);
        Assert.True(sum <= 0xFFFF);
        Assert.Equal(0xFFFF, InternetChecksum.Fold(sum));
    }

    [Fact]
    public void Verifies_MessageWithItsChecksum_IsTrueAndFalseAfterAFlippedBit()
    {
        var message = Convert.FromHexString("4500003c1c46400040060000" + "0a0000010a000002");
        ushort checksum = InternetChecksum.Compute(message);
        message[10] = (byte)(checksum >> 8);
        message[11] = (byte)checksum;
        Assert.True(InternetChecksum.Verifies(InternetChecksum.Add(0, message)));
        message[3] ^= 0x01;
        Assert.False(InternetChecksum.Verifies(InternetChecksum.Add(0, message)));
    }

    [Fact]
    public void PseudoHeader_EqualsSummingItsBytes()
    {
        var source = new Ipv4Address(192, 0, 2, 1);
        var destination = new Ipv4Address(198, 51, 100, 200);
        uint sum = InternetChecksum.PseudoHeader(source, destination, IpProtocol.Tcp, 1234);
        byte[] bytes = [192, 0, 2, 1, 198, 51, 100, 200, 0, 6, 1234 >> 8, 1234 & 0xFF];
        Assert.Equal(SlowChecksum.Compute(bytes), InternetChecksum.Finish(sum));
    }

    [Fact]
    public void Update_OneChangedWord_EqualsRecomputing()
    {
        // RFC 1624 §3: the incremental update must agree with a full recomputation (e.g. a TTL decrement).
        var random = new Random(1624);
        for (int trial = 0; trial < 10_000; trial++)
        {
            var data = new byte[20];
            random.NextBytes(data);
            if (trial % 100 == 0) Array.Clear(data);
            ushort before = InternetChecksum.Compute(data);
            int word = random.Next(10) * 2;
            ushort oldWord = (ushort)(data[word] << 8 | data[word + 1]);
            ushort newWord = (ushort)random.Next(0x10000);
            data[word] = (byte)(newWord >> 8);
            data[word + 1] = (byte)newWord;
            ushort updated = InternetChecksum.Update(before, oldWord, newWord);
            // 0x0000 and 0xFFFF are the two zeros of one's complement: both verify.
            Assert.True(updated == InternetChecksum.Compute(data) || (updated ^ InternetChecksum.Compute(data)) == 0xFFFF && (updated == 0 || updated == 0xFFFF),
                $"trial {trial}: {updated:x4} vs {InternetChecksum.Compute(data):x4}");
        }
    }
}
