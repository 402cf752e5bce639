/**
 * The Bot Framework bot: runs the root dialog on every activity and persists conversation and user
 * state. Channel adapters (CloudAdapter, our Direct Line) call `run`; they know nothing else.
 */
import { ActivityHandler, ActivityTypes, type ConversationState, type InvokeResponse, type StatePropertyAccessor, type TurnContext, type UserState } from 'botbuilder-core';
// botbuilder-dialogs' modules, not its index: the index loads every prompt and, with them, a second
// Recognizers-Text (every culture) and globalize, about 30 MB of memory for nothing used here.
import { DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog';
import type { DialogState } from 'botbuilder-dialogs/lib/dialogContext';
import { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
import type { Lang } from '../catalogue/schema';
import { isLang } from '../i18n/i18n';
import { ROOT_DIALOG, type BoussoleDialog } from './boussole-dialog';

const FORGET = Symbol('boussole.forget');

/** An invoke's answer: a status and an error body in the Bot Framework's shape (`application/vnd.microsoft.error`). */
function invokeError(status: number, code: 'BadRequest' | 'NotSupported', message: string): InvokeResponse {
  return { status, body: { statusCode: status, type: 'application/vnd.microsoft.error', value: { code, message } } };
}

export interface Profile {
  language?: Lang;
}

export class BoussoleBot extends ActivityHandler {
  private readonly profile: StatePropertyAccessor<Profile>;

  constructor(
    private readonly conversationState: ConversationState,
    private readonly userState: UserState,
    dialog: BoussoleDialog,
    /** Erases what other stores hold about a conversation (e.g. the web chat's activity log). */
    private readonly eraseElsewhere: (ctx: TurnContext) => Promise<void> = async () => undefined,
  ) {
    super();
    this.profile = userState.createProperty<Profile>('profile');
    const dialogs = new DialogSet(conversationState.createProperty<DialogState>('dialogState'));
    dialogs.add(dialog);
    this.onTurn(async (ctx, next) => {
      // An invoke asks the bot for an answer in the HTTP response (onInvokeActivity); it is no conversation turn.
      if (ctx.activity.type !== ActivityTypes.Invoke) {
        const dc = await dialogs.createContext(ctx);
        const result = await dc.continueDialog();
        if (result.status === DialogTurnStatus.empty) await dc.beginDialog(ROOT_DIALOG);
      }
      await next();
    });
  }

  /**
   * Every invoke gets a status and a body (the default is a bare 501). Boussole's cards only open
   * links and its buttons send text, so no card action (Action.Execute), search or sign-in ever
   * calls back: each is refused as unsupported, and a malformed card action as a bad request.
   */
  protected override async onInvokeActivity(ctx: TurnContext): Promise<InvokeResponse> {
    const a = ctx.activity;
    if (a.name === 'adaptiveCard/action') {
      const action = (a.value as { action?: unknown } | null | undefined)?.action;
      if (typeof action !== 'object' || action === null) return invokeError(400, 'BadRequest', 'An adaptiveCard/action invoke needs value.action.');
      return invokeError(400, 'NotSupported', 'Boussole cards have no action that calls the bot.');
    }
    return invokeError(400, 'NotSupported', 'Boussole answers no invoke activity of this name.');
  }

  async rememberedLanguage(ctx: TurnContext): Promise<Lang | undefined> {
    const p = await this.profile.get(ctx, {});
    return isLang(p.language) ? p.language : undefined;
  }

  async rememberLanguage(ctx: TurnContext, lang: Lang): Promise<void> {
    await this.profile.set(ctx, { language: lang });
  }

  /**
   * Erases other stores now (before the confirmation is sent, so the confirmation survives) and
   * marks the turn so that the bot's own state is deleted instead of saved when it ends.
   */
  async forget(ctx: TurnContext): Promise<void> {
    await this.eraseElsewhere(ctx);
    ctx.turnState.set(FORGET, true);
  }

  override async run(ctx: TurnContext): Promise<void> {
    await super.run(ctx);
    if (ctx.turnState.get(FORGET)) {
      await this.conversationState.delete(ctx);
      await this.userState.delete(ctx);
      return;
    }
    await this.conversationState.saveChanges(ctx, false);
    await this.userState.saveChanges(ctx, false);
  }
}
