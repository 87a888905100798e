using Arrakis.Persistence.Rdb;

namespace Arrakis.Persistence.Rdb.Format;

/// <summary>Constants of Redis's RDB format (rdb.h): value types, opcodes, length encodings.</summary>
internal static class RdbFormat
{
    /// <summary>The RDB version Redis 7.0 writes and the one this writer claims.</summary>
    public const int Version = 10;

    /// <summary>The newest version the reader accepts (7.2's 11 adds only types we decode or reject).</summary>
    public const int MaxReadVersion = 11;

    public const byte TypeString = 0;
    public const byte TypeList = 1;
    public const byte TypeSet = 2;
    public const byte TypeZset = 3;
    public const byte TypeHash = 4;
    public const byte TypeZset2 = 5;
    public const byte TypeModulePreGa = 6;
    public const byte TypeModule2 = 7;
    public const byte TypeHashZipmap = 9;
    public const byte TypeListZiplist = 10;
    public const byte TypeSetIntset = 11;
    public const byte TypeZsetZiplist = 12;
    public const byte TypeHashZiplist = 13;
    public const byte TypeListQuicklist = 14;
    public const byte TypeStreamListpacks = 15;
    public const byte TypeHashListpack = 16;
    public const byte TypeZsetListpack = 17;
    public const byte TypeListQuicklist2 = 18;
    public const byte TypeStreamListpacks2 = 19;
    public const byte TypeSetListpack = 20;
    public const byte TypeStreamListpacks3 = 21;

    public const byte OpFunction2 = 0xF5;
    public const byte OpFunctionPreGa = 0xF6;
    public const byte OpModuleAux = 0xF7;
    public const byte OpIdle = 0xF8;
    public const byte OpFreq = 0xF9;
    public const byte OpAux = 0xFA;
    public const byte OpResizeDb = 0xFB;
    public const byte OpExpireTimeMs = 0xFC;
    public const byte OpExpireTime = 0xFD;
    public const byte OpSelectDb = 0xFE;
    public const byte OpEof = 0xFF;

    /// <summary>Quicklist node containers (QUICKLIST_NODE_CONTAINER_*).</summary>
    public const int ContainerPlain = 1;
    public const int ContainerPacked = 2;

    /// <summary>First-byte tags of the length encoding.</summary>
    public const byte Len6 = 0;
    public const byte Len14 = 1;
    public const byte Len32 = 0x80;
    public const byte Len64 = 0x81;
    public const byte EncVal = 3;

    /// <summary>Special string encodings (after the 0b11 tag).</summary>
    public const int EncInt8 = 0;
    public const int EncInt16 = 1;
    public const int EncInt32 = 2;
    public const int EncLzf = 3;

    /// <summary>A name for a type byte, for messages.</summary>
    public static string TypeName(byte type) => type switch
    {
        TypeString => "string",
        TypeList => "list",
        TypeSet => "set",
        TypeZset => "zset",
        TypeHash => "hash",
        TypeZset2 => "zset-2",
        TypeModulePreGa => "module (pre-GA)",
        TypeModule2 => "module",
        TypeHashZipmap => "hash-zipmap",
        TypeListZiplist => "list-ziplist",
        TypeSetIntset => "set-intset",
        TypeZsetZiplist => "zset-ziplist",
        TypeHashZiplist => "hash-ziplist",
        TypeListQuicklist => "list-quicklist",
        TypeStreamListpacks => "stream-listpacks",
        TypeHashListpack => "hash-listpack",
        TypeZsetListpack => "zset-listpack",
        TypeListQuicklist2 => "list-quicklist-2",
        TypeStreamListpacks2 => "stream-listpacks-2",
        TypeSetListpack => "set-listpack",
        TypeStreamListpacks3 => "stream-listpacks-3",
        _ => $"type {type}",
    };
}
