/**
 * The part of mvdan-sh (the GopherJS build of mvdan.cc/sh/v3/syntax) that src/classify/shell uses.
 * Node fields mirror the Go structs; absent pointers are null. Positions are UTF-8 byte offsets.
 */
declare module 'mvdan-sh' {
  export interface Pos {
    Offset(): number;
    Line(): number;
    Col(): number;
    IsValid(): boolean;
  }

  export interface Node {
    Pos(): Pos;
    End(): Pos;
  }

  export interface File extends Node {
    Stmts: Stmt[];
  }

  export interface Stmt extends Node {
    Cmd: Node | null;
    Position: Pos;
    Semicolon: Pos;
    Negated: boolean;
    Background: boolean;
    Coprocess: boolean;
    Redirs: Redirect[];
  }

  export interface Lit extends Node {
    Value: string;
  }

  export interface Word extends Node {
    Parts: Node[];
  }

  export interface SglQuoted extends Node {
    Dollar: boolean;
    Value: string;
  }

  export interface DblQuoted extends Node {
    Dollar: boolean;
    Parts: Node[];
  }

  export interface ParamExp extends Node {
    Short: boolean;
    Excl: boolean;
    Length: boolean;
    Width: boolean;
    Param: Lit | null;
    Index: Node | null;
    Slice: Node | null;
    Repl: Node | null;
    Exp: Node | null;
  }

  export interface CmdSubst extends Node {
    Stmts: Stmt[];
    Backquotes: boolean;
  }

  export interface ProcSubst extends Node {
    Stmts: Stmt[];
  }

  export interface Redirect extends Node {
    OpPos: Pos;
    N: Lit | null;
    Word: Word | null;
    Hdoc: Word | null;
  }

  export interface Assign extends Node {
    Name: Lit | null;
    Value: Word | null;
    Array: Node | null;
    Naked: boolean;
  }

  export interface CallExpr extends Node {
    Assigns: Assign[];
    Args: Word[];
  }

  export interface BinaryCmd extends Node {
    OpPos: Pos;
    X: Stmt;
    Y: Stmt;
  }

  export interface StmtList extends Node {
    Stmts: Stmt[];
  }

  export interface IfClause extends Node {
    Cond: Stmt[];
    Then: Stmt[];
    Else: IfClause | null;
  }

  export interface LoopClause extends Node {
    Cond: Stmt[];
    Do: Stmt[];
    Loop: Node | null;
  }

  export interface CaseClause extends Node {
    Word: Word;
    Items: Array<Node & { Patterns: Word[]; Stmts: Stmt[] }>;
  }

  export interface FuncDecl extends Node {
    Name: Lit;
    Body: Stmt;
  }

  export interface WrappedStmt extends Node {
    Stmt: Stmt | null;
  }

  export interface DeclClause extends Node {
    Variant: Lit;
    Args: Assign[];
  }

  export interface Parser {
    /** Throws a ParseError object (with an Error() method) when src is not valid shell. */
    Parse(src: string, name: string): File;
  }

  export interface Syntax {
    NewParser(...options: unknown[]): Parser;
    NodeType(node: Node): string;
    Walk(node: Node, visit: (node: Node | null) => boolean): void;
    DebugPrint(node: Node): void;
  }

  const sh: { syntax: Syntax };
  export default sh;
}
