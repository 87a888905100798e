// The command families see each other's value types and helpers (sorted-set algebra uses sets,
// blocking pops use lists and sorted sets, ...); the shared machinery lives in Commands/.
global using Arrakis.Server.Commands;
global using Arrakis.Server.Commands.Admin;
global using Arrakis.Server.Commands.Connection;
global using Arrakis.Server.Commands.Hashes;
global using Arrakis.Server.Commands.HyperLogLogs;
global using Arrakis.Server.Commands.Keys;
global using Arrakis.Server.Commands.Lists;
global using Arrakis.Server.Commands.PubSub;
global using Arrakis.Server.Commands.Sets;
global using Arrakis.Server.Commands.SortedSets;
global using Arrakis.Server.Commands.Streams;
global using Arrakis.Server.Commands.Strings;
global using Arrakis.Server.Commands.Transactions;
