namespace Arrakis.Persistence.Tests.Rdb.Differential;

/// <summary>An error reply.</summary>
internal sealed record RespError(string Message);
