namespace Arrakis.Protocol;

/// <summary>The protocol a connection speaks (HELLO 2 / HELLO 3).</summary>
public enum RespVersion
{
    Resp2 = 2,
    Resp3 = 3,
}
