System.Console.WriteLine("symbolic");
