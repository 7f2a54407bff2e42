package dev.mia.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default classifier. The examples are our own wording, written apart from the dev set (whose
 * sentences are scored by {@code DevSetTargetsTest}), so these tests check that the rules cover
 * phrase families rather than the dev set's sentences.
 */
class PatternSafetyClassifierTest {
  private final SafetyClassifier classifier = SafetyClassifiers.standard();

  private SafetyTier tier(String message) {
    return classifier.assess(message).tier();
  }

  // --- normalisation and chat spelling ---------------------------------------------------------

  @Test
  void chatSpellingKmsIsTierThree() {
    assertEquals(SafetyTier.CRITICAL, tier("ugh i'm going to kms"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "thinking about su1cide",
        "i want to d!e",
        "s*icide is all i think about",
        "i want to k1ll myself",
        "i'm going to unal!ve myself",
        "$uicidal again",
        "i'm going to k!ll m¥self",
        "sui.cide is the only answer"
      })
  void digitAndSymbolSwapsAreReadAsLetters(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"i wanna dieeeeee", "i want to diee", "kiiiiill myself"})
  void stretchedLettersStillMatch(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"I WANT TO DIE", "I Want To Die", "i want to die"})
  void caseDoesNotMatter(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @Test
  void fullwidthLettersAreFolded() {
    assertEquals(SafetyTier.CRITICAL, tier("ｉ ｗａｎｔ ｔｏ ｄｉｅ"));
  }

  @Test
  void curlyApostrophesAreStraightened() {
    assertEquals(SafetyTier.CRITICAL, tier("I don’t want to live anymore"));
  }

  @Test
  void invisibleCharactersInsideAWordAreIgnored() {
    assertEquals(SafetyTier.CRITICAL, tier("kill\u200b myself"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I WANT TO D I E",
        "thinking about s.u.i.c.i.d.e",
        "i w a n t t o d i e",
        "k i l l m y s e l f"
      })
  void spacedOutLettersAreJoined(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"i dont wanna be alive tmrw", "idwtl", "im gonna end it"})
  void chatSpellingsAreExpanded(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  // --- tier 3 families -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i've been thinking of ending things for good",
        "I keep thinking about killing myself every night",
        "Suicidal thoughts again",
        "i'm so sick of being alive",
        "what's the point in even trying to stay alive",
        "there's no way out except death",
        "I feel like dying",
        "i keep imagining my own funeral",
        "i can't see myself getting older",
        "i'm a waste of oxygen",
        "I'm such a burden to everyone",
        "idk how much longer i can keep going",
        "i just want everything to end",
        "i want to stop living"
      })
  void suicidalThoughtsAreTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "lately i keep wishing i could just fall asleep forever",
        "every night i pray i don't wake up",
        "honestly wouldn't mind if i didn't wake up",
        "i wish i never existed",
        "i hope i get hit by a car on the way home",
        "I'd be better off not existing",
        "i want to disappear forever",
        "what if i just stopped existing"
      })
  void passiveWishesToDieAreTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Sometimes I think my family would be relieved if I was gone",
        "nobody would care if i vanished",
        "No one would miss me if I died",
        "my family would be fine without me honestly",
        "the world doesn't need me",
        "honestly the world would be better off without me in it"
      })
  void othersBetterOffWithoutThemIsTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i'm just gonna end it after finals",
        "not sure i'll still be here next week tbh",
        "I'm not going to be around much longer",
        "I've started writing goodbye messages to my friends",
        "I'm ready to go. I've said my goodbyes",
        "please don't be sad when i'm gone",
        "giving away all my things, won't need them soon",
        "this will be my last day",
        "ok. goodbye forever. thanks for trying",
        "I wrote my will last night"
      })
  void farewellsPlansAndFinalityAreTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I keep looking up ways to die",
        "i googled how many sleeping pills is lethal",
        "what's the easiest way to end it",
        "how do i tie a noose",
        "i've been stockpiling my antidepressants",
        "I'm going to swallow everything in the medicine cabinet",
        "i think i'm going to overdose tonight",
        "Part of me wants to just step in front of a car",
        "I took a whole bottle of tylenol",
        "i have a knife and i want to use it on myself"
      })
  void methodsAndMeansAreTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "honestly thinking of logging off from life",
        "sometimes i just want to delete myself",
        "i'd rather be six feet under than go back there",
        "i keep hoping the bus crashes on the way to camp",
        "wouldn't mind if i never woke up honestly",
        "please tell my dad i'm sorry, i can't tell him myself",
        "make sure my sister knows it wasn't her fault",
        "none of this will matter soon anyway",
        "i'm not going to be around after this weekend",
        "by the time anyone reads this i'll be somewhere else",
        "i'm doing it tonight after my parents fall asleep",
        "this will be my last christmas, i've decided"
      })
  void euphemismsLastMessagesAndPlansWithATimeAreTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "math test went ok, not like i'll even be around for finals though. anyway what's for lunch",
        "i won't even be alive by graduation so who cares about the grade",
        "honestly i wish i'd just die in my sleep",
        "idk if i can keep a plant, i'd have to be alive to water it",
        "woke up and was disappointed i'm still here",
        "i already wrote my note, it's in my desk",
        "kmssss fr",
        "k.m.s",
        "been thinking about unaliving myself",
        "i took a bunch of my mom's pills an hour ago"
      })
  void crisisLinesInsideOrdinaryTalkAndAlgospeakAreTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i'm leaving home this weekend and not coming back",
        "been sleeping at the bus station since monday",
        "how far could i get on a greyhound with no id",
        "i always have an excuse ready for the bruises",
        "i lock my door when my stepdad drinks",
        "i pretend to be asleep when he comes home"
      })
  void leavingHomeAndFearAtHomeWithoutTriggerWordsAreTierTwo(String message) {
    assertEquals(SafetyTier.MODERATE, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "does it hurt to die, like really",
        "how long would it take to bleed out",
        "how do i make sure i don't wake up",
        "could someone overdose on benadryl",
        "if i took everything in my mom's medicine cabinet would that work"
      })
  void methodQuestionsWithoutTheUsualWordsAreTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i dig my nails in until it bleeds when i panic",
        "how do i hide marks on my arms before swim",
        "my wrist is still bleeding from earlier",
        "been cutting on my legs since spring",
        "i've been wanting to cut for days now"
      })
  void selfHarmDescribedIndirectlyIsTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "my plug stopped answering and i need something for friday",
        "i've been buying my friend's adderall before every exam",
        "i lied to my doctor so i could get more of my pain pills",
        "there's a water bottle full of vodka in my locker",
        "my stepdad said he'll break my arm if i tell anyone",
        "my girlfriend tracks my location all day",
        "i have to earn dinner by doing crunches first",
        "i know the combination to my uncle's gun safe",
        "there's a rope in my closet"
      })
  void slangControlAndBareMeansAreTierTwo(String message) {
    assertEquals(SafetyTier.MODERATE, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "our health class project is about teen suicide prevention",
        "for my essay on why people start vaping i need two sources",
        "my short story has a character who struggles with anorexia",
        "why do news sites say \"committed\" suicide instead of \"died by\" suicide",
        "we're supposed to analyze juliet's suicide for english",
        "signed up for the suicide prevention walk next month",
        "i want to die lol i just waved at someone who wasn't waving at me",
        "if i have to hear that ad one more time i'll shoot myself",
        "going to sleep and not waking up till noon, finals are over",
        "hung some rope lights over my bed",
        "i just beat my brother at chess again"
      })
  void schoolWorkOnHardTopicsAndHyperboleWithItsReasonStayTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "our health class project is about suicide prevention and honestly i want to die",
        "i'm writing an essay on self-harm because i cut myself last night"
      })
  void aGuardedTopicDoesNotHideACrisisBesideIt(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @Test
  void theGameGuardDoesNotHideViolenceAtHome() {
    assertEquals(SafetyTier.MODERATE, tier("my dad beat my mom at home again"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bye forever (jk see you after practice)",
        "goodbye until tomorrow, this is my last message today",
        "i wanted to die when i tripped on stage lol",
        "there's a gun in the house but it's locked in a safe and i never touch it",
        "the plug for my charger broke"
      })
  void jokingGoodbyesHyperboleAndLockedAwayMeansStayTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i've been self harming again",
        "I've been hurting myself to cope",
        "i cut my thighs so no one sees",
        "the urge to cut is so strong tonight",
        "I relapsed and cut last night",
        "i keep hitting myself when i get angry",
        "i've been burning myself with lighters",
        "I've been scratching myself with a paperclip until it bleeds",
        "i slammed my hand in the door on purpose",
        "my wrists are covered in cuts again",
        "i carved his name into my arm"
      })
  void selfHarmIsTierThreeNeverTierTwo(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
    assertEquals("self-harm", classifier.assess(message).category());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "the urge to sh is bad tonight",
        "i sh again last night",
        "two months clean from sh and i relapsed",
        "ive been sh-ing every night",
        "i sh'd again"
      })
  void shMeaningSelfHarmIsTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sh be quiet, the baby's asleep", "shh it's a secret lol"})
  void shAsAnInterjectionIsTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I'm not saying I want to die, I just don't want to be alive",
        "i don't really want to kill myself, i just want it all to stop"
      })
  void negatedButConcerningMessagesAreTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "my friend wants to kill herself",
        "my friend cuts herself and i don't know what to do",
        "my brother said he's going to end it all"
      })
  void someoneElseInCrisisIsTierThree(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @Test
  void crisisBuriedInALongMessageIsTierThree() {
    assertEquals(
        SafetyTier.CRITICAL,
        tier(
            "ok so practice went long, then we got tacos and i did my math. my sister borrowed my"
                + " charger again. honestly i've been thinking that everyone would be better off"
                + " without me. anyway what shows do you like"));
  }

  // --- tier 2 families -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i've been popping my mom's oxys",
        "been vaping like every hour, can't stop",
        "got blackout drunk on saturday",
        "I did a line at a party last weekend",
        "i bought weed from a guy at school",
        "i drink vodka before school to feel ok",
        "I think I'm an alcoholic, i need a drink every morning",
        "my friend overdosed last night and is in the hospital",
        "how many benadryl is too many",
        "someone put something in my drink at the party",
        "i found my mom passed out with pills next to her"
      })
  void substanceRiskIsTierTwo(String message) {
    assertEquals(SafetyTier.MODERATE, tier(message));
    assertEquals("substance", classifier.assess(message).category());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "my stepmom slaps me when she's drunk",
        "my boyfriend chokes me when we argue",
        "I have to hide from my mom's boyfriend when he's been drinking",
        "my dad will beat me if i fail",
        "my parents don't feed me",
        "my dad threw a bottle at my mom",
        "my mom's boyfriend watches me change and says weird stuff",
        "I'm scared to go back home tonight"
      })
  void abuseAndViolenceAtHomeAreTierTwo(String message) {
    assertEquals(SafetyTier.MODERATE, tier(message));
    assertEquals("abuse", classifier.assess(message).category());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i make myself throw up after dinner",
        "I only eat 300 calories a day",
        "been purging after every meal",
        "I've lost 15 pounds in two weeks by barely eating",
        "i use diet pills and skip meals to lose weight"
      })
  void eatingDisorderBehaviourIsTierTwo(String message) {
    assertEquals(SafetyTier.MODERATE, tier(message));
    assertEquals("eating-disorder", classifier.assess(message).category());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I'm running away from home tomorrow morning",
        "i left home and i'm couch surfing",
        "i have nowhere to sleep tonight",
        "my parents kicked me out and i'm at a friend's"
      })
  void runningAwayAndHomelessnessAreTierTwo(String message) {
    assertEquals(SafetyTier.MODERATE, tier(message));
    assertEquals("running-away", classifier.assess(message).category());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "he keeps asking for nudes",
        "a 25 year old guy from discord wants to meet me",
        "someone online says he'll leak my photos unless i pay",
        "my uncle keeps sending me snaps and told me to delete them",
        "my older coworker keeps texting me and asking me to keep it between us"
      })
  void groomingAndSextortionAreTierTwo(String message) {
    assertEquals(SafetyTier.MODERATE, tier(message));
    assertEquals("exploitation", classifier.assess(message).category());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "there's a guy following me home from the bus stop",
        "I'm in a stranger's car right now",
        "a man in a car tried to get me to come with him"
      })
  void beingFollowedOrUnsafeIsTierTwo(String message) {
    assertEquals(SafetyTier.MODERATE, tier(message));
    assertEquals("unsafe", classifier.assess(message).category());
  }

  // --- known false alarms stay tier 1 ----------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "this traffic is killing me lol",
        "i could die of embarrassment rn",
        "I'm dying for a pizza",
        "i was dying to tell you about my new puppy",
        "the new phone is to die for",
        "our team killed it at regionals",
        "the chemistry test is going to kill me",
        "my mom is gonna kill me when she sees my grade",
        "I'd kill for some fries right now",
        "I'm dead serious, that was the best pizza ever"
      })
  void idiomsAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "my laptop died right before i hit save",
        "we went to the drug store for cough drops",
        "my uncle owns a car dealership",
        "the dealer flipped the cards",
        "my nana takes pills for her blood pressure",
        "I took 2 advil for my headache",
        "cut the onion into small pieces",
        "i'm cutting ties with a toxic friend",
        "the wifi is cutting out again",
        "this cutting-edge phone is so fast",
        "i want to die my hair pink"
      })
  void objectsPlacesAndEverydayWordsAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i hurt myself at basketball practice",
        "I hurt myself laughing so hard",
        "i fell off my bike and cut my leg",
        "i burned my arm on the oven",
        "i cut myself on a piece of paper lol",
        "I scraped my arm falling off my skateboard",
        "the cat scratched my arms up",
        "my sister hurt herself at gymnastics"
      })
  void accidentsAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "the suicide squad sequel is coming out soon",
        "that old car has suicide doors",
        "coach had us run suicides until we almost puked",
        "we're running a walk for suicide prevention next month"
      })
  void namesDrillsAndCampaignsAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bye everyone see you monday!",
        "goodnight mia, talk tomorrow, bye!",
        "ok goodbye, i'm done for today",
        "I'm done with this homework, bye!"
      })
  void loggingOffIsTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I'm going to end things with my girlfriend, it's not working",
        "i want to end it with him before summer",
        "I'm going to end my streak on duolingo :(",
        "I'm going to end my day with a bubble bath"
      })
  void breakupsAndOrdinaryEndingsAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I'm addicted to boba",
        "we did a project on the dangers of vaping",
        "can you help me with my essay about the opioid crisis",
        "my brother overdosed on sugar at the party lol",
        "my dog ran away for an hour but we found him",
        "i'm running away with this win lol",
        "my brother beat me at chess again",
        "my sister hits me with pillows lol",
        "the dog keeps following me around the house",
        "we cleaned out the shed this weekend",
        "the ball hit me in the face at recess",
        "we did a bake sale to fund the new gym"
      })
  void casualUsesOfRiskWordsAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "in the play the old king kills himself in act five and we have to explain why",
        "the protagonist overdoses in chapter 12 and i need a quote about it",
        "after laps and sprints coach made us do suicides too",
        "we did suicides, then a scrimmage. so tired",
        "my uncle's car has these 'suicide' doors that open backwards",
        "last message from me for a bit, the cabin has no wifi!!",
        "this is my final text before we head off on the school trip",
        "the comic store dealer saved me the new issue",
        "what counts as an overdose of paracetamol? its for my pharmacology quiz",
        "the film's hero cuts himself in one scene and the class went quiet",
        "revising the opium war for my gcse",
        "our health class poster needs the warning signs of self-harm, any ideas"
      })
  void storiesDrillsScareQuotesTripsAndStudyAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "in the novel she kills herself and i keep thinking i should do the same, i want to die",
        "we ran suicides at practice and after that i cut myself again",
        "this is my last message, no signal where i'm going. goodbye forever",
        "for my biology class we covered overdoses but honestly how many would it take to die",
        "what are the warning signs of suicide",
        "a character in my book self-harms and i self harm too"
      })
  void theFifthRoundOfGuardsLeavesACrisisElsewhereAlerting(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "for psych we have to present on warning signs of suicide, how should i structure it",
        "thinking of ending things with my boyfriend, we just dont click anymore",
        "ending it with her tonight, wish me luck",
        "grandma bought me vitamin pills because she thinks im pale lol",
        "hurt myself at netball, jammed my finger"
      })
  void presentationsBreakupsVitaminsAndNetballAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "thinking of ending things with her pills tonight",
        "my boyfriend left and im thinking of ending things",
        "in class we did signs of suicide and i have all of them, i want to die"
      })
  void theSeventhRoundOfGuardsLeavesACrisisElsewhereAlerting(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "our psych textbook has a chapter on self-harm and i need to summarise it",
        "psychology essay on why people self harm and how to help them, any good sources?",
        "in pshe we learned how to spot if a friend is thinking about suicide and what to say",
        "im 16 and saving up for a car, do i go to a dealer or a private seller",
        "i'm gonna kill my brother if he eats my leftovers again lol"
      })
  void chaptersClassesCarDealersAndLeftoversAreTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, tier(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i have an essay on self harm due and i want to kill myself",
        "we learned how to spot it but i've been thinking about suicide every day",
        "how to help a friend when i'm the one who wants suicide",
        "my dealer said he can get me more pills tonight"
      })
  void theEighthRoundOfGuardsLeavesACrisisElsewhereAlerting(String message) {
    assertNotEquals(SafetyTier.NORMAL, tier(message));
  }

  @Test
  void aStoryWordBeforeSomeoneElsesDeathIsNoGuard() {
    // Only a story's own frame guards: someone who watched a show and then died stays tier 3.
    assertEquals(SafetyTier.CRITICAL, tier("my cousin watched a show and then killed himself"));
  }

  // --- guards ----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "this homework is killing me and honestly i want to kill myself",
        "suicide squad was good but i've been suicidal all week",
        "i hurt myself at soccer, and later i cut myself on purpose",
        "my dog ran away and now i want to die",
        "i want to die my hair blue. also i want to die"
      })
  void aGuardNeverHidesACrisisPhraseElsewhereInTheMessage(String message) {
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @Test
  void aGuardDoesNotReachAcrossPunctuation() {
    assertEquals(SafetyTier.CRITICAL, tier("i want to die, my hair is a mess and so is my life"));
  }

  @Test
  void aGuardForLoggingOffDoesNotHideAFarewellWithFinality() {
    assertEquals(SafetyTier.CRITICAL, tier("goodbye everyone. tonight's the night. i'm done"));
  }

  // --- contract --------------------------------------------------------------------------------

  @Test
  void categoryOfTierOneIsNone() {
    assertEquals(SafetyAssessment.NORMAL, classifier.assess("what's your favourite colour?"));
  }

  @Test
  void suicidalIdeationHasItsOwnCategory() {
    assertEquals("suicidal-ideation", classifier.assess("i want to die").category());
  }

  @Test
  void methodQuestionsHaveTheirOwnCategory() {
    assertEquals("suicide-method", classifier.assess("what is a lethal dose").category());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n\t", "🙂🙂🙂", "!!!???"})
  void emptyOrSymbolOnlyMessagesAreTierOne(String message) {
    assertEquals(SafetyAssessment.NORMAL, classifier.assess(message));
  }

  @Test
  void veryLongMessageIsAssessed() {
    String message = "la ".repeat(20_000) + "i want to die";
    assertEquals(SafetyTier.CRITICAL, tier(message));
  }

  @Test
  void nullMessageIsRejected() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> tier(null));
    assertEquals("message == null", e.getMessage());
  }

  @Test
  void standardIsOneSharedInstance() {
    assertSame(SafetyClassifiers.standard(), SafetyClassifiers.standard());
  }

  @Test
  void mentionOfSuicideInMediaIsTierThreeByDesign() {
    // A known over-alert: a bare mention of suicide is escalated, because the cost of missing a
    // crisis is higher than the cost of a needless alert.
    assertEquals(SafetyTier.CRITICAL, tier("the book we read in class is about suicide"));
  }
}
