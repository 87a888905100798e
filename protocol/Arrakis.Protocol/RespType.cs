namespace Arrakis.Protocol;

/// <summary>RESP2/RESP3 reply types, named after their first byte.</summary>
public enum RespType : byte
{
    SimpleString = (byte)'+',
    Error = (byte)'-',
    Integer = (byte)':',
    BulkString = (byte)'$',
    Array = (byte)'*',
    Null = (byte)'_',
    Double = (byte)',',
    Boolean = (byte)'#',
    BigNumber = (byte)'(',
    BulkError = (byte)'!',
    VerbatimString = (byte)'=',
    Map = (byte)'%',
    Set = (byte)'~',
    Attribute = (byte)'|',
    Push = (byte)'>',
}
