/**
 * The partnership's default threshold-of-need guidance: four levels of need, three domains with their sub-areas,
 * example indicators for each level and sub-area, the key services and the assessment process at each level.
 * Written for the product from the continuum a local safeguarding partnership publishes; administrators edit it,
 * and each edit is a new version (a recorded judgement keeps the version it was made under).
 */
import type { GuidanceContent } from './guidance.ts';

const sub = (id: string, name: string) => ({ id, name });

export const DEFAULT_GUIDANCE: GuidanceContent = {
  title: 'Threshold of need: levels of need and example indicators',
  introduction:
    'A guide for conversations, never a gate. Needs are judged child by child, with the family, and may be high in ' +
    'one area and low in another. Children can move between levels quickly and do not have to go up through each ' +
    'one. If you are unsure, talk to someone: your safeguarding lead, the practitioners already involved, or the ' +
    'front door.',
  levels: [
    {
      id: 'universal',
      name: 'Universal',
      summary: 'No additional needs: the child’s needs are met by their family, community and universal services.',
      assessment: 'No early help assessment is needed. The child uses universal services in the usual way.',
      keyServices: [
        'Schools and colleges',
        'Children’s centres and early years settings',
        'Health visiting and school nursing',
        'GP surgeries',
        'Youth services',
        'Police',
        'Housing providers',
        'Voluntary and community groups',
      ],
    },
    {
      id: 'early_help',
      name: 'Early Help',
      summary:
        'Low-level additional needs, likely to be short-term, that may be known but are not being met. Several ' +
        'needs together may call for a lead practitioner and a team around the family.',
      assessment:
        'An Early Help Assessment with the child and family to understand strengths and needs, a lead practitioner ' +
        'and a team around the family — unless one specialist agency is already meeting the need.',
      keyServices: [
        'Family support services',
        'Children’s centres and early years settings',
        'Youth support and youth crime prevention',
        'Education welfare and educational psychology',
        'Drug and alcohol information and advice',
        'Midwifery and health services',
        'Housing providers',
        'Voluntary and community groups',
      ],
    },
    {
      id: 'targeted',
      name: 'Targeted',
      summary:
        'High-level or several unmet needs, likely to need longer-term help from statutory or specialist services. ' +
        'Includes children who may be children in need (section 17 of the Children Act 1989).',
      assessment:
        'An Early Help Assessment is usually the first step and can support a request for targeted or specialist ' +
        'help; it never replaces a specialist or statutory assessment. A child in need may be assessed by children’s ' +
        'social care, where a social worker becomes the lead practitioner.',
      keyServices: [
        'Children’s social care (child in need)',
        'Special educational needs services',
        'Specialist health and disability services',
        'Child and adolescent mental health services',
        'Youth offending and youth inclusion services',
        'Targeted drug and alcohol services',
        'Family support services',
        'Education welfare',
      ],
    },
    {
      id: 'specialist',
      name: 'Specialist',
      summary:
        'Complex needs, or a child suffering or likely to suffer significant harm, needing statutory or specialist ' +
        'help — including child protection (section 47) and children who may need to be looked after.',
      assessment:
        'Contact the front door at once by telephone, followed by a written request. A statutory or specialist ' +
        'assessment follows; an Early Help Assessment can be supporting evidence but never replaces it.',
      keyServices: [
        'Children’s social care (child protection)',
        'Specialist health and disability services',
        'Child and adolescent mental health services',
        'Youth offending services',
        'Adult mental health and substance misuse services',
        'Family support services',
      ],
    },
  ],
  domains: [
    {
      id: 'development',
      name: 'The child’s developmental needs',
      subAreas: [
        sub('learning', 'Learning and education'),
        sub('health', 'Health'),
        sub('emotional', 'Social, emotional and behavioural development, and identity'),
        sub('self-care', 'Self-care and independence'),
      ],
    },
    {
      id: 'family',
      name: 'Family and environment',
      subAreas: [
        sub('relationships', 'Family and social relationships, and family well-being'),
        sub('housing', 'Housing, employment and money'),
        sub('community', 'Social and community resources'),
      ],
    },
    {
      id: 'parenting',
      name: 'Parents and carers',
      subAreas: [
        sub('basic-care', 'Basic care, safety and protection'),
        sub('warmth', 'Emotional warmth and stability'),
        sub('guidance', 'Guidance, boundaries and stimulation'),
      ],
    },
  ],
  indicators: {
    learning: {
      universal: [
        'Reaching expected stages of learning',
        'Attends school, college or training well',
        'No barriers to learning',
        'Has plans for learning or training after school age',
      ],
      early_help: [
        'Sometimes absent or truanting',
        'Receiving extra help at school for a special educational need',
        'Language or communication difficulties identified',
        'Few books, toys or learning materials at home',
        'Few or no qualifications, or not in education, employment or training',
      ],
      targeted: [
        'Short exclusions, or at risk of permanent exclusion',
        'Persistent truanting',
        'Has an education, health and care plan',
        'No books, toys or learning materials at home',
        'Needs an interpreter and other risks are present',
      ],
      specialist: [
        'Chronic non-attendance',
        'No support from parents for education',
        'Permanently or frequently excluded, or no education place',
      ],
    },
    health: {
      universal: ['Good physical health, reaching developmental milestones including speech and language'],
      early_help: [
        'Not reaching developmental milestones, including speech and language',
        'Poor growth without a medical explanation',
        'Missed health appointments',
        'Minor health problems that a mainstream school can manage',
      ],
      targeted: [
        'Disability that needs specialist support to stay in a mainstream setting',
        'Physical or emotional development causing significant concern',
        'Chronic or recurring health problems',
        'Repeatedly missed health appointments',
        'Wetting or soiling not related to toilet training',
        'Unexplained pain, bleeding or discharge in genitals, anus or mouth',
      ],
      specialist: [
        'High level of disability that a mainstream setting cannot meet',
        'Bruising to a baby who is not yet mobile',
        'Born to, or a girl whose mother has undergone, female genital mutilation',
        'Serious physical or mental health problems',
        'Self-harm that is getting worse',
      ],
    },
    emotional: {
      universal: [
        'Good mental health and well-being',
        'Secure early attachments; confident with others',
        'Understands the effects of crime and antisocial behaviour',
        'Knows about sex and relationships, and uses contraception consistently if sexually active',
      ],
      early_help: [
        'Low-level mental health or emotional difficulties needing help',
        'Early offending (aged 10 to 14) or attitudes that favour offending',
        'Known to the police for low-level offending',
        'Low-level substance misuse, now or in the past',
        'Wants to become pregnant at a young age',
        'Sexually active at 15 or over with inconsistent use of contraception',
        'Sexually active at 13 or 14, or at risk of sexual exploitation',
        'Poor self-esteem',
      ],
      targeted: [
        'Under 16 and has had, or caused, a pregnancy',
        'A teenage parent, or 16 or over with two or more earlier pregnancies',
        'Sexual behaviour or knowledge beyond their age',
        'Regularly known to the police',
        'Fascination with fire, or has started fires',
        'Has received a youth caution, fixed penalty or diversion',
        'Mental health needs requiring specialist help in the community',
        'Regular or escalating drug use, with growing disregard for risk',
        'Significantly low self-esteem',
        'Under 18 and pregnant',
        'Victim of crime, including discrimination',
      ],
      specialist: [
        'Behaviour putting the child or others at serious risk',
        'Serious or repeated offending not being addressed',
        'Part of a gang or group involved in antisocial behaviour',
        'Complex mental health needs requiring specialist help',
        'In a sexually exploitative relationship',
        'Under 13 and sexually active',
        'A parent aged under 16',
        'Often missing from home for long periods',
        'Being harmed now by their use of substances',
      ],
    },
    'self-care': {
      universal: ['Developing the independence and self-care expected for their age'],
      early_help: ['Self-care or independence below their age, making social exclusion more likely'],
      targeted: ['Self-care or independence well below their age, likely to harm their development'],
      specialist: ['Self-care or independence so far below their age that significant harm is likely'],
    },
    relationships: {
      universal: ['Stable, supportive family relationships that meet the child’s needs'],
      early_help: [
        'Parents’ or carers’ relationship difficulties may be affecting the child',
        'Parents ask for advice on managing the child’s behaviour',
        'Affected by difficult family relationships or bullying',
      ],
      targeted: [
        'Domestic abuse in the past or now',
        'Risk of the relationship between the child and a parent or carer breaking down',
        'Little warmth and much criticism at home',
        'A young carer, privately fostered, a child of a prisoner, or has been looked after',
        'Attaches to adults indiscriminately',
      ],
      specialist: [
        'Suspected physical, emotional or sexual abuse or neglect',
        'Domestic abuse putting the child at risk of significant harm',
        'Parents or family cannot care for the child',
        'Needs to be looked after away from their family',
      ],
    },
    housing: {
      universal: ['Family is financially secure', 'Good quality, stable housing'],
      early_help: [
        'Overcrowded housing',
        'Family affected by low income or unemployment',
        'Young person at risk of homelessness',
      ],
      targeted: ['Severely overcrowded or temporary housing', 'Family homeless or unemployed'],
      specialist: ['No fixed address', 'Extreme poverty'],
    },
    community: {
      universal: [
        'Good friendships and social networks',
        'Safe and secure surroundings',
        'Regular access to positive activities',
      ],
      early_help: [
        'Facilities do not meet needs, for example transport or access',
        'Family needs advice about hate crime or the child mixing with peers who offend',
        'Little access to sexual health advice and services',
      ],
      targeted: [
        'Family needs support because of social exclusion',
        'Parents socially isolated, with no access to local facilities',
      ],
      specialist: ['Family needs immediate protection from harassment or discrimination'],
    },
    'basic-care': {
      universal: ['Parents or carers meet the child’s care needs'],
      early_help: ['Inconsistent care, for example unsuitable childcare or a young, inexperienced parent'],
      targeted: [
        'Physical care or supervision is inadequate',
        'A parent’s learning disability, substance misuse or mental health affects their care of the child',
        'Parents not taking part in the early help offered',
      ],
      specialist: [
        'Parent cannot meet the child’s needs without support',
        'Parental mental health, domestic abuse or substance misuse with essential support refused',
        'Parents hostile to services',
        'Concealed pregnancy with several risk factors',
      ],
    },
    warmth: {
      universal: ['Secure, caring parenting'],
      early_help: [
        'Inconsistent parenting, without significant harm to development',
        'Concerns about the attachment between parent and child',
      ],
      targeted: ['Inconsistent parenting significantly affecting emotional or behavioural development'],
      specialist: ['Parents cannot cope and the family is at risk of breaking down'],
    },
    guidance: {
      universal: ['Parents set appropriate guidance and boundaries'],
      early_help: ['Concerns raised about the child are not responded to'],
      targeted: ['Inconsistent boundaries or responses', 'Child exposed to adult sexual material'],
      specialist: ['Parents’ example leads to serious risk-taking, for example condoning antisocial behaviour'],
    },
  },
};
