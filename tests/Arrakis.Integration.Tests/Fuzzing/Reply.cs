using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>One server's reply to one request: the parsed value and the exact bytes on the wire.</summary>
internal sealed record Reply(RespValue Value, byte[] Raw)
{
    public bool IsError => Value.Type is RespType.Error or RespType.BulkError;
}
