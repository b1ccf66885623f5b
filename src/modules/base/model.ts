/** What the Workspace type reads: the caller's workspace, as authentication found it. */
export interface WorkspaceModel {
  id: string;
  name: string;
  createdAt: Date;
}
