namespace Arrakis.Persistence.Tests;

public sealed class Crc32CTests
{
    [Fact]
    public void Compute_GivesTheCastagnoliCheckValue() => Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
}
